package dev.mcr.model;

import dev.mcr.error.InvalidInputException;
import dev.mcr.json.StateNormalizer;
import dev.mcr.json.StateTrees;

/**
 * The JSON form of the state: the original tool's snake_case keys, in the order its model writes them.
 *
 * <pre>
 * AppState state = StateJson.read(text);          // parse + normalize
 * String stored = StateJson.write(state);         // compact JSON
 * </pre>
 *
 * <p>Key order: state {@code notify_profiles, runners, runner_groups, runner_layout}; profile
 * {@code id, name, type, active, failure_count, sent_count, config}; runner {@code id, name, command,
 * logging_enabled, schedule{hours, minutes, seconds}, max_runs, alert_cooldown_s, alert_escalation_s,
 * failure_pause_threshold, cases, notify_profile_ids, notify_profile_updates_only}; case {@code id, pattern,
 * message_template, state}; group {@code id, name, runner_ids, disabled_runner_ids}; layout item
 * {@code type, id}. Unknown keys kept in {@code extra} maps follow the known keys.
 *
 * <p>Reading normalizes: any JSON object becomes a consistent state (invalid ids are replaced, wrong types become
 * defaults, dangling references are dropped, the layout is completed), the way the original tool does on every load
 * and save; only text that is not JSON at all is refused. Parsing rejects trailing content and follows Jackson's
 * default limits (nesting depth 1000, numbers of 1000 digits, strings of 20 million characters); {@code NaN} and
 * {@code Infinity} are accepted because Python's {@code json} module writes them.
 */
public final class StateJson {

    private StateJson() {
    }

    /**
     * Parses and normalizes a state.
     *
     * @param json the JSON text
     * @return the normalized state; a document that is not an object is the empty state
     * @throws InvalidInputException "Invalid JSON: …" with the reason and position when the text is not JSON; the
     *                               message never echoes the input
     */
    public static AppState read(String json) {
        return StateNormalizer.normalize(StateTrees.parse(json));
    }

    /**
     * Writes a state as compact JSON (no spaces, non-ASCII characters as they are).
     *
     * @param state the state
     * @return the JSON text
     */
    public static String write(AppState state) {
        return StateTrees.write(StateTrees.toJson(state));
    }
}
