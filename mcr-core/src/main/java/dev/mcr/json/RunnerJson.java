package dev.mcr.json;

import static dev.mcr.json.StateNormalizer.bool;
import static dev.mcr.json.StateNormalizer.clampToInt;
import static dev.mcr.json.StateNormalizer.extra;
import static dev.mcr.json.StateNormalizer.idList;
import static dev.mcr.json.StateNormalizer.nonNegative;
import static dev.mcr.json.StateNormalizer.orZero;
import static dev.mcr.json.StateNormalizer.text;
import static dev.mcr.json.StateNormalizer.truthy;
import static dev.mcr.json.StateNormalizer.uniqueId;
import static dev.mcr.json.StateNormalizer.wholeNumber;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcr.model.CaseRule;
import dev.mcr.model.CaseState;
import dev.mcr.model.Ids;
import dev.mcr.model.Runner;
import dev.mcr.model.Runner.Alerting;
import dev.mcr.model.Runner.DownAfter;
import dev.mcr.model.Runner.EnvVar;
import dev.mcr.model.Runner.Execution;
import dev.mcr.model.Runner.Retry;
import dev.mcr.model.Runner.Targets;
import dev.mcr.model.Runner.Timing;
import dev.mcr.model.Schedule;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Internal: a runner's JSON, read (normalizing, never throwing) and written, part by part, side by side. A new
 * setting of a runner is its part's record plus its two lines here.
 *
 * <p>Keys and their order, as the original writes them: {@code id, name, command, logging_enabled,
 * schedule{hours, minutes, seconds}, max_runs, alert_cooldown_s, alert_escalation_s, failure_pause_threshold,
 * cases[{id, pattern, message_template, state}], notify_profile_ids, notify_profile_updates_only}; unknown keys of
 * the runner, of its schedule and of each case follow the known ones of their object.
 */
final class RunnerJson {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** Keys the original drops from runners (and we with it). */
    static final String SNOOZED_UNTIL = "snoozed_until";
    /** The N-of-M rule; a value that is not one is kept among the unknown keys, where the save check finds it. */
    static final String DOWN_AFTER = "down_after";
    /** The escalation to a second service; kept among the unknown keys when it is not one, like {@link #DOWN_AFTER}. */
    static final String ESCALATE_TO = "escalate_to";

    /** {@code "command"} (the default) or {@code "heartbeat"}; another value is kept where the save check finds it. */
    static final String KIND = "kind";
    /** The heartbeat check of a runner of kind heartbeat; kept among the unknown keys when it is not one. */
    static final String HEARTBEAT = "heartbeat";
    static final String KIND_COMMAND = "command";
    static final String KIND_HEARTBEAT = "heartbeat";

    private static final Set<String> RUNNER_KEYS = Set.of(
            "id", "name", "command", "logging_enabled", "schedule", "max_runs", "alert_cooldown_s",
            "alert_escalation_s", "failure_pause_threshold", "cases", "notify_profile_ids",
            "notify_profile_updates_only", SNOOZED_UNTIL, "timeout_s", "retry_count", "retry_delay_s",
            "retry_backoff", "working_dir", "env", "shell", "tags", DOWN_AFTER, ESCALATE_TO, KIND, HEARTBEAT);
    private static final Set<String> SCHEDULE_KEYS = Set.of("hours", "minutes", "seconds", "cron", "time_zone",
            "enabled", "misfire", "overlap");
    private static final List<List<String>> SHELL_WORDS = List.of(Execution.LOGIN_SHELL, Execution.BASH,
            Execution.SH);
    private static final Set<String> CASE_KEYS = Set.of("id", "pattern", "message_template", "state");

    private RunnerJson() {
    }

    // ------------------------------------------------------------------------------------ reading

    /**
     * Reads one runner object.
     *
     * @param r          the runner object
     * @param seen       runner ids taken so far (the id is made unique and added)
     * @param profileIds ids of the existing profiles (targets must name one)
     * @param migrated   whether the legacy Pushover profile was just created (runners without targets get it)
     * @param legacyId   the legacy profile's id
     * @return the runner
     */
    static Runner read(JsonNode r, Set<String> seen, Set<String> profileIds, boolean migrated, String legacyId) {
        return new Runner(
                uniqueId(r.get("id"), Ids.RUNNER, seen),
                text(r.get("name"), Runner.DEFAULT_NAME),
                new Execution(text(r.get("command"), ""), bool(r.get("logging_enabled"), true), shell(r.get("shell")),
                        text(r.get("working_dir"), ""), env(r.get("env")),
                        Duration.ofSeconds(nonNegative(r.get("timeout_s"), 0))),
                new Timing(schedule(r.get("schedule")), maxRuns(r.get("max_runs")), retry(r)),
                new Alerting(
                        Duration.ofSeconds(nonNegative(r.get("alert_cooldown_s"),
                                Alerting.DEFAULT_COOLDOWN.getSeconds())),
                        Duration.ofSeconds(nonNegative(r.get("alert_escalation_s"),
                                Alerting.DEFAULT_ESCALATION.getSeconds())),
                        (int) nonNegative(r.get("failure_pause_threshold"), Alerting.DEFAULT_FAILURE_PAUSE_THRESHOLD),
                        downAfter(r.get(DOWN_AFTER)).orElse(DownAfter.NONE),
                        escalateTo(r.get(ESCALATE_TO)).orElse(null)),
                cases(r.get("cases")),
                targets(r, profileIds, migrated, legacyId),
                tags(r.get("tags")),
                extra(r, knownKeys(r)),
                heartbeatOf(r).orElse(null));
    }

    /**
     * The heartbeat check of a runner: present for {@code kind: "heartbeat"} with a valid (or absent) {@code heartbeat}
     * object, whose missing numbers are 0 (the save check names what is missing).
     */
    private static java.util.Optional<Runner.Heartbeat> heartbeatOf(JsonNode r) {
        JsonNode kind = r.get(KIND);
        if (kind == null || !kind.isTextual() || !KIND_HEARTBEAT.equals(kind.textValue())) {
            return java.util.Optional.empty();
        }
        return heartbeat(r.get(HEARTBEAT));
    }

    /** A {@code heartbeat} value: absent or {@code null} is all zero; empty when it is not a valid one. */
    private static java.util.Optional<Runner.Heartbeat> heartbeat(JsonNode raw) {
        if (raw == null || raw.isNull()) {
            return java.util.Optional.of(new Runner.Heartbeat("", Duration.ZERO, Duration.ZERO));
        }
        if (!raw.isObject()) {
            return java.util.Optional.empty();
        }
        JsonNode token = raw.get("ping_token");
        Long period = seconds(raw.get("period_s"));
        Long grace = seconds(raw.get("grace_s"));
        if (period == null || grace == null) {
            return java.util.Optional.empty();
        }
        try {
            return java.util.Optional.of(new Runner.Heartbeat(token != null && token.isTextual() ? token.textValue()
                    : "", Duration.ofSeconds(period), Duration.ofSeconds(grace)));
        } catch (IllegalArgumentException e) {
            return java.util.Optional.empty();
        }
    }

    /** Whole seconds of a heartbeat field: absent or {@code null} is 0; {@code null} when it is no whole number. */
    private static Long seconds(JsonNode n) {
        if (n == null || n.isNull()) {
            return 0L;
        }
        return n.isIntegralNumber() && n.canConvertToLong() ? n.longValue() : null;
    }

    /**
     * The runner keys read as settings: all, less a {@code down_after} or {@code escalate_to} that is none, a
     * {@code kind} that is neither kind, and a {@code heartbeat} that is not a valid one.
     */
    private static Set<String> knownKeys(JsonNode r) {
        boolean downAfter = downAfter(r.get(DOWN_AFTER)).isPresent();
        boolean escalateTo = r.get(ESCALATE_TO) == null || r.get(ESCALATE_TO).isNull()
                || escalateTo(r.get(ESCALATE_TO)).isPresent();
        JsonNode kind = r.get(KIND);
        boolean kindOk = kind == null || kind.isNull() || kind.isTextual()
                && (KIND_COMMAND.equals(kind.textValue()) || KIND_HEARTBEAT.equals(kind.textValue()));
        // Whatever the kind: a heartbeat value that is not one is kept, so that the save refuses it.
        boolean heartbeatOk = heartbeat(r.get(HEARTBEAT)).isPresent();
        if (downAfter && escalateTo && kindOk && heartbeatOk) {
            return RUNNER_KEYS;
        }
        Set<String> known = new java.util.HashSet<>(RUNNER_KEYS);
        if (!kindOk) {
            known.remove(KIND);
        }
        if (!heartbeatOk) {
            known.remove(HEARTBEAT);
        }
        if (downAfter && escalateTo) {
            return known;
        }
        known.remove(downAfter ? ESCALATE_TO : DOWN_AFTER);
        if (!downAfter && !escalateTo) {
            known.remove(ESCALATE_TO);
        }
        return known;
    }

    /** The escalation of a runner; empty when absent, {@code null} or not a valid one. */
    private static java.util.Optional<Runner.EscalateTo> escalateTo(JsonNode raw) {
        if (raw == null || !raw.isObject()) {
            return java.util.Optional.empty();
        }
        JsonNode id = raw.get("profile_id");
        JsonNode after = raw.get("after_s");
        if (id == null || !id.isTextual() || after == null || !after.isIntegralNumber() || !after.canConvertToLong()) {
            return java.util.Optional.empty();
        }
        try {
            return java.util.Optional.of(new Runner.EscalateTo(id.textValue(), Duration.ofSeconds(after.longValue())));
        } catch (IllegalArgumentException e) {
            return java.util.Optional.empty();
        }
    }

    /** The N-of-M rule of a runner: absent or {@code null} is 1 of 1; empty when the value is not a valid rule. */
    private static java.util.Optional<DownAfter> downAfter(JsonNode raw) {
        if (raw == null || raw.isNull()) {
            return java.util.Optional.of(DownAfter.NONE);
        }
        JsonNode n = raw.get("failures");
        JsonNode m = raw.get("of_runs");
        if (!raw.isObject() || n == null || m == null || !n.isIntegralNumber() || !m.isIntegralNumber()
                || !n.canConvertToInt() || !m.canConvertToInt()) {
            return java.util.Optional.empty();
        }
        try {
            return java.util.Optional.of(new DownAfter(n.intValue(), m.intValue()));
        } catch (IllegalArgumentException e) {
            return java.util.Optional.empty();
        }
    }


    /** Tags trimmed, without empty or repeated ones; the count and lengths are checked when a save is made. */
    private static List<String> tags(JsonNode raw) {
        Set<String> out = new LinkedHashSet<>();
        if (raw != null && raw.isTextual()) {
            out.add(raw.textValue().strip());
        } else if (raw != null && raw.isArray()) {
            for (JsonNode t : raw) {
                if (t.isTextual() || t.isNumber()) {
                    out.add(t.asText().strip());
                }
            }
        }
        out.remove("");
        return List.copyOf(out);
    }

    private static int maxRuns(JsonNode raw) {
        Long v = wholeNumber(raw);
        if (v == null) {
            return 1;
        }
        if (v == Timing.UNLIMITED_RUNS) {
            return Timing.UNLIMITED_RUNS;
        }
        return (int) Math.max(1, Math.min(Timing.MAX_RUNS_LIMIT, v));
    }

    private static Schedule schedule(JsonNode raw) {
        if (raw == null || !raw.isObject()) {
            return Schedule.NONE;
        }
        Schedule.FixedDelay interval = interval(raw);
        String cron = text(raw.get("cron"), "").strip();
        if (cron.isEmpty()) {
            return interval;
        }
        JsonNode misfire = raw.get("misfire");
        JsonNode overlap = raw.get("overlap");
        return new Schedule.Cron(cron, text(raw.get("time_zone"), "").strip(), bool(raw.get("enabled"), true),
                misfire != null && misfire.isTextual()
                        ? Schedule.Misfire.parse(misfire.textValue()).orElse(Schedule.Misfire.RUN_ONCE)
                        : Schedule.Misfire.RUN_ONCE,
                overlap != null && overlap.isTextual()
                        ? Schedule.Overlap.parse(overlap.textValue()).orElse(Schedule.Overlap.SKIP)
                        : Schedule.Overlap.SKIP,
                interval.withExtra(Map.of()), interval.extra());
    }

    private static Schedule.FixedDelay interval(JsonNode raw) {
        long h = clampToInt(orZero(wholeNumber(raw.get("hours"))));
        long m = clampToInt(orZero(wholeNumber(raw.get("minutes"))));
        long s = clampToInt(orZero(wholeNumber(raw.get("seconds"))));
        var unknown = extra(raw, SCHEDULE_KEYS);
        if (h >= 0 && m >= 0 && s >= 0) {
            return new Schedule.FixedDelay((int) h, (int) m, (int) s, unknown);
        }
        // The original only clamps the total interval, so a negative part reduces the others.
        long total = Math.max(0, h * 3600 + m * 60 + s);
        return new Schedule.FixedDelay((int) Math.min(Integer.MAX_VALUE, total / 3600), (int) (total % 3600 / 60),
                (int) (total % 60), unknown);
    }

    private static Retry retry(JsonNode r) {
        int count = (int) Math.min(Retry.MAX_COUNT, nonNegative(r.get("retry_count"), 0));
        long delay = nonNegative(r.get("retry_delay_s"), 0);
        double backoff = Retry.DEFAULT_BACKOFF;
        JsonNode b = r.get("retry_backoff");
        if (b != null && (b.isNumber() || b.isTextual())) {
            try {
                double v = b.isNumber() ? b.doubleValue() : Double.parseDouble(b.textValue().strip());
                if (!Double.isNaN(v)) {
                    backoff = Math.max(1, Math.min(Retry.MAX_BACKOFF, v));
                }
            } catch (NumberFormatException e) {
                // Not a number: the default, like every other number of the state.
            }
        }
        return new Retry(count, Duration.ofSeconds(delay), backoff);
    }

    private static List<EnvVar> env(JsonNode raw) {
        List<EnvVar> out = new ArrayList<>();
        if (raw == null || !raw.isArray()) {
            return out;
        }
        for (JsonNode e : raw) {
            if (e.isObject()) {
                out.add(new EnvVar(text(e.get("name"), "").strip(), text(e.get("value"), ""),
                        bool(e.get("secret"), false)));
            }
        }
        return out;
    }

    /** A word is split at spaces ({@code "bash -c"}); a list is taken as it is; anything else is the default. */
    private static List<String> shell(JsonNode raw) {
        List<String> out = new ArrayList<>();
        if (raw != null && raw.isTextual()) {
            for (String part : raw.textValue().strip().split("\\s+")) {
                if (!part.isEmpty()) {
                    out.add(part);
                }
            }
        } else if (raw != null && raw.isArray()) {
            raw.forEach(v -> out.add(text(v, "")));
        }
        return out.isEmpty() ? Execution.LOGIN_SHELL : out;
    }

    private static List<CaseRule> cases(JsonNode raw) {
        List<CaseRule> out = new ArrayList<>();
        if (raw == null || !raw.isArray()) {
            return out;
        }
        Set<String> seen = new HashSet<>();
        for (JsonNode c : raw) {
            if (!c.isObject()) {
                continue;
            }
            JsonNode state = c.get("state");
            out.add(new CaseRule(
                    uniqueId(c.get("id"), Ids.CASE, seen),
                    text(c.get("pattern"), ""),
                    text(c.get("message_template"), ""),
                    state != null && state.isTextual() ? CaseState.parse(state.textValue()) : CaseState.NONE,
                    extra(c, CASE_KEYS)));
        }
        return out;
    }

    private static Targets targets(JsonNode r, Set<String> profileIds, boolean migrated, String legacyId) {
        List<String> notify = migrated && !truthy(r.get("notify_profile_ids"))
                ? List.of(legacyId)
                : idList(r.get("notify_profile_ids"));
        Set<String> notifyIds = new LinkedHashSet<>();
        for (String pid : notify) {
            if (profileIds.contains(pid)) {
                notifyIds.add(pid);
            }
        }
        Set<String> updatesOnly = new LinkedHashSet<>();
        for (String pid : idList(r.get("notify_profile_updates_only"))) {
            if (notifyIds.contains(pid)) {
                updatesOnly.add(pid);
            }
        }
        return new Targets(List.copyOf(notifyIds), List.copyOf(updatesOnly));
    }

    // ------------------------------------------------------------------------------------ writing

    /**
     * Writes one runner object.
     *
     * @param r the runner
     * @return a new object node
     */
    static ObjectNode write(Runner r) {
        ObjectNode o = NODES.objectNode();
        o.put("id", r.id());
        o.put("name", r.name());
        o.put("command", r.execution().command());
        o.put("logging_enabled", r.execution().loggingEnabled());
        o.set("schedule", schedule(r.timing().schedule()));
        o.put("max_runs", r.timing().maxRuns());
        o.set("alert_cooldown_s", StateTrees.number(r.alerting().cooldown().getSeconds()));
        o.set("alert_escalation_s", StateTrees.number(r.alerting().escalation().getSeconds()));
        o.put("failure_pause_threshold", r.alerting().failurePauseThreshold());
        ArrayNode cases = o.putArray("cases");
        for (CaseRule c : r.cases()) {
            ObjectNode co = cases.addObject();
            co.put("id", c.id());
            co.put("pattern", c.pattern());
            co.put("message_template", c.messageTemplate());
            co.put("state", c.state().json());
            StateTrees.putExtra(co, c.extra());
        }
        strings(o.putArray("notify_profile_ids"), r.targets().profileIds());
        strings(o.putArray("notify_profile_updates_only"), r.targets().updatesOnly());
        writeOwn(o, r.execution(), r.timing().retry());
        DownAfter rule = r.alerting().downAfter();
        if (rule.counts()) {
            o.putObject(DOWN_AFTER).put("failures", rule.failures()).put("of_runs", rule.ofRuns());
        }
        Runner.EscalateTo to = r.alerting().escalateTo();
        if (to != null) {
            o.putObject(ESCALATE_TO).put("profile_id", to.profileId()).put("after_s", to.after().getSeconds());
        }
        if (!r.tags().isEmpty()) {
            strings(o.putArray("tags"), r.tags());
        }
        Runner.Heartbeat hb = r.heartbeat();
        if (hb != null) {
            o.put(KIND, KIND_HEARTBEAT);
            o.putObject(HEARTBEAT).put("ping_token", hb.pingToken()).put("period_s", hb.period().getSeconds())
                    .put("grace_s", hb.grace().getSeconds());
        }
        StateTrees.putExtra(o, r.extra());
        return o;
    }

    /** mcr's own keys, each only when it differs from its default. */
    private static void writeOwn(ObjectNode o, Execution x, Retry retry) {
        if (x.hasTimeout()) {
            o.set("timeout_s", StateTrees.number(x.timeout().getSeconds()));
        }
        if (!retry.equals(Retry.NONE)) {
            o.put("retry_count", retry.count());
            o.set("retry_delay_s", StateTrees.number(retry.delay().getSeconds()));
            double b = retry.backoff();
            if (b == Math.rint(b)) {
                o.put("retry_backoff", (int) b);
            } else {
                o.put("retry_backoff", b);
            }
        }
        if (!x.workingDir().isEmpty()) {
            o.put("working_dir", x.workingDir());
        }
        if (!x.env().isEmpty()) {
            ArrayNode env = o.putArray("env");
            for (EnvVar v : x.env()) {
                env.addObject().put("name", v.name()).put("value", v.value()).put("secret", v.secret());
            }
        }
        if (!x.shell().equals(Execution.LOGIN_SHELL)) {
            if (SHELL_WORDS.contains(x.shell())) {
                o.put("shell", String.join(" ", x.shell()));
            } else {
                strings(o.putArray("shell"), x.shell());
            }
        }
    }

    private static ObjectNode schedule(Schedule schedule) {
        ObjectNode o = NODES.objectNode();
        if (schedule instanceof Schedule.FixedDelay d) {
            interval(o, d);
        } else if (schedule instanceof Schedule.Cron c) {
            interval(o, c.interval());
            o.put("cron", c.expression());
            o.put("time_zone", c.timeZone());
            o.put("enabled", c.enabled());
            o.put("misfire", c.misfire().json());
            o.put("overlap", c.overlap().json());
        }
        StateTrees.putExtra(o, schedule.extra());
        return o;
    }

    private static void interval(ObjectNode o, Schedule.FixedDelay d) {
        o.put("hours", d.hours());
        o.put("minutes", d.minutes());
        o.put("seconds", d.seconds());
    }

    private static void strings(ArrayNode array, List<String> values) {
        values.forEach(array::add);
    }
}
