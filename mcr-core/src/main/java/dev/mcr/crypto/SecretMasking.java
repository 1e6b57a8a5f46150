package dev.mcr.crypto;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.mcr.model.AppState;
import dev.mcr.model.NotifyProfile;
import dev.mcr.model.Runner;
import dev.mcr.model.Runner.EnvVar;
import dev.mcr.model.Runner.Execution;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Hides credentials from API clients and puts them back when a client saves.
 *
 * <p>A <em>secret</em> is a value of a profile's {@code config} that its channel type declares secret (see
 * {@link SecretFields}; a key the type does not declare is one when it is named like a secret, see
 * {@link #isSecretKey(String)}), or a top-level state value named like a secret (the original's legacy
 * {@code pushover_user_key}/{@code pushover_api_token}), or the value of a runner's variable marked secret
 * ({@code env[{name, value, secret: true}]}).
 */
public final class SecretMasking {

    /** What a client sees instead of a non-empty secret, and sends back to mean "keep the stored value". */
    public static final String SECRET_SET = "__SECRET_SET__";

    private static final List<String> SECRET_WORDS = List.of("token", "key", "secret", "passw", "passphrase");

    private SecretMasking() {
    }

    /**
     * Tells whether a config key holds a secret.
     *
     * @param configKey a key of a profile's {@code config} (or a top-level state key), may be {@code null}
     * @return true for {@code user_key}, {@code api_token} and any key containing token, key, secret, password,
     *         passwd or passphrase, or ending in {@code _pass} (case-insensitive)
     */
    public static boolean isSecretKey(String configKey) {
        if (configKey == null) {
            return false;
        }
        String k = configKey.toLowerCase(Locale.ROOT);
        for (String word : SECRET_WORDS) {
            if (k.contains(word)) {
                return true;
            }
        }
        return k.endsWith("_pass");
    }

    /**
     * Returns the state as an API client may see it: every non-empty secret replaced by {@link #SECRET_SET},
     * empty secrets left empty, everything else unchanged.
     *
     * @param s the state with plaintext secrets
     * @return the masked copy
     */
    public static AppState mask(AppState s) {
        return mask(s, SecretFields.BY_NAME);
    }

    /**
     * Returns the state as an API client may see it, with the profiles' secrets told by the channel declarations.
     *
     * @param s       the state with plaintext secrets
     * @param secrets which config values are secrets
     * @return the masked copy
     */
    public static AppState mask(AppState s, SecretFields secrets) {
        List<NotifyProfile> profiles = new ArrayList<>();
        for (NotifyProfile p : s.notifyProfiles()) {
            Map<String, String> cfg = new LinkedHashMap<>();
            p.config().forEach((k, v) -> cfg.put(k, secrets.isSecret(p.type(), k) && v != null && !v.isEmpty()
                    ? SECRET_SET : v));
            profiles.add(p.withConfig(cfg));
        }
        Map<String, Object> extra = new LinkedHashMap<>();
        s.extra().forEach((k, v) -> extra.put(k, isSecretKey(k) && isNonEmptyText(v) ? SECRET_SET : v));
        return new AppState(profiles, maskRunners(s.runners(), SECRET_SET), s.runnerGroups(), s.runnerLayout(), extra);
    }

    /**
     * Returns the runners with the values of their secret variables and their heartbeat ping tokens replaced (those
     * that are not empty).
     *
     * @param runners     the runners with plaintext values
     * @param replacement {@link #SECRET_SET} for answers, {@code ""} for exports
     * @return the runners; the same instances where nothing is secret
     */
    public static List<Runner> maskRunners(List<Runner> runners, String replacement) {
        List<Runner> out = new ArrayList<>(runners.size());
        for (Runner r : runners) {
            Execution x = r.execution();
            if (r.isHeartbeat() && !r.heartbeat().pingToken().isEmpty()) {
                // The ping token is read only through the heartbeat route (editors); every other answer masks it.
                r = r.withHeartbeat(r.heartbeat().withPingToken(replacement));
            }
            if (x.secretValues().isEmpty()) {
                out.add(r);
                continue;
            }
            List<EnvVar> env = new ArrayList<>();
            x.env().forEach(v -> env.add(v.secret() && !v.value().isEmpty()
                    ? new EnvVar(v.name(), replacement, true) : v));
            out.add(r.withExecution(new Execution(x.command(), x.loggingEnabled(), x.shell(), x.workingDir(), env,
                    x.timeout())));
        }
        return out;
    }

    /**
     * Tells whether an entry of a runner's {@code env} list (as JSON) holds a secret value.
     *
     * @param entry the entry
     * @return true when it is marked secret and its value is text
     */
    public static boolean isSecretEnvEntry(JsonNode entry) {
        JsonNode value = entry.get("value");
        return value != null && value.isTextual() && entry.path("secret").asBoolean(false);
    }

    /**
     * Merges a state sent by a client with the stored one.
     *
     * <p>Per profile (matched by id): a secret equal to {@link #SECRET_SET} keeps the stored value ({@code ""}
     * for a profile that is not stored yet), any other value replaces it, {@code ""} clears it. The
     * server-owned counters {@code failure_count} and {@code sent_count} come from the stored profile whatever
     * the client sent; a save that turns a stored inactive profile active resets {@code failure_count} to 0; a
     * new profile starts with both counters at 0. Top-level secrets follow the same rule. Everything else comes
     * from the incoming state.
     *
     * @param incoming the state the client sent (possibly masked)
     * @param stored   the stored state with plaintext secrets, or {@code null} when nothing is stored
     * @return the state to save
     */
    public static AppState mergeIncoming(AppState incoming, AppState stored) {
        return mergeIncoming(incoming, stored, SecretFields.BY_NAME);
    }

    /**
     * {@link #mergeIncoming(AppState, AppState)} with the profiles' secrets told by the channel declarations.
     *
     * @param incoming the state the client sent (possibly masked)
     * @param stored   the stored state with plaintext secrets, or {@code null} when nothing is stored
     * @param secrets  which config values are secrets
     * @return the state to save
     */
    public static AppState mergeIncoming(AppState incoming, AppState stored, SecretFields secrets) {
        AppState previous = stored == null ? AppState.EMPTY : stored;
        Map<String, NotifyProfile> previousById = new HashMap<>();
        for (NotifyProfile p : previous.notifyProfiles()) {
            previousById.putIfAbsent(p.id(), p);
        }
        List<NotifyProfile> profiles = new ArrayList<>();
        for (NotifyProfile p : incoming.notifyProfiles()) {
            NotifyProfile old = previousById.get(p.id());
            Map<String, String> cfg = new LinkedHashMap<>();
            p.config().forEach((k, v) -> cfg.put(k, secrets.isSecret(p.type(), k) && SECRET_SET.equals(v)
                    ? (old == null ? "" : old.configValue(k))
                    : v));
            int failures = 0;
            int sent = 0;
            if (old != null) {
                failures = !old.active() && p.active() ? 0 : old.failureCount();
                sent = old.sentCount();
            }
            profiles.add(p.withConfig(cfg).withCounters(p.active(), failures, sent));
        }
        Map<String, Runner> storedRunners = new HashMap<>();
        previous.runners().forEach(r -> storedRunners.putIfAbsent(r.id(), r));
        List<Runner> runners = new ArrayList<>(incoming.runners().size());
        for (Runner r : incoming.runners()) {
            runners.add(keepMaskedEnv(r, storedRunners.get(r.id())));
        }
        Map<String, Object> extra = new LinkedHashMap<>();
        incoming.extra().forEach((k, v) -> {
            if (isSecretKey(k) && SECRET_SET.equals(v)) {
                Object old = previous.extra().get(k);
                extra.put(k, old == null ? "" : old);
            } else {
                extra.put(k, v);
            }
        });
        return new AppState(profiles, runners, incoming.runnerGroups(), incoming.runnerLayout(), extra);
    }

    /** A secret variable sent as {@link #SECRET_SET} keeps the value the stored runner has under that name. */
    private static Runner keepMaskedEnv(Runner sent, Runner stored) {
        Execution x = sent.execution();
        if (x.env().stream().noneMatch(v -> v.secret() && SECRET_SET.equals(v.value()))) {
            return sent;
        }
        List<EnvVar> env = new ArrayList<>();
        for (EnvVar v : x.env()) {
            if (v.secret() && SECRET_SET.equals(v.value())) {
                String old = stored == null ? "" : stored.execution().env().stream()
                        .filter(o -> o.name().equals(v.name())).map(EnvVar::value).findFirst().orElse("");
                env.add(new EnvVar(v.name(), old, true));
            } else {
                env.add(v);
            }
        }
        return sent.withExecution(new Execution(x.command(), x.loggingEnabled(), x.shell(), x.workingDir(), env,
                x.timeout()));
    }

    /**
     * The rule of {@link #mergeIncoming} for one runner as JSON: returns a copy of the sent runner in which the value
     * of every secret variable equal to {@link #SECRET_SET} is replaced by the value the stored runner has under that
     * name ({@code ""} when it has none).
     *
     * @param stored the stored runner with plaintext values, may be {@code null}
     * @param sent   the runner a client sent
     * @return the copy
     */
    public static ObjectNode keepMaskedEnv(ObjectNode stored, ObjectNode sent) {
        ObjectNode copy = sent.deepCopy();
        if (!(copy.get("env") instanceof ArrayNode env)) {
            return copy;
        }
        Map<String, String> old = new HashMap<>();
        if (stored != null && stored.get("env") instanceof ArrayNode storedEnv) {
            storedEnv.forEach(e -> {
                if (e.path("value").isTextual()) {
                    old.putIfAbsent(e.path("name").asText("").strip(), e.get("value").textValue());
                }
            });
        }
        for (JsonNode e : env) {
            if (e instanceof ObjectNode v && isSecretEnvEntry(v) && SECRET_SET.equals(v.get("value").textValue())) {
                v.put("value", old.getOrDefault(v.path("name").asText("").strip(), ""));
            }
        }
        return copy;
    }

    /**
     * The same rule as {@link #mergeIncoming} for one profile as JSON, for code that compares what a client sent with
     * stored versions before anything is normalized: returns a copy of the sent profile in which every secret of its
     * {@code config} equal to {@link #SECRET_SET} is replaced by the value of the given stored profile ({@code ""} when
     * it has none).
     *
     * @param stored the stored profile with plaintext secrets, may be {@code null}
     * @param sent   the profile a client sent
     * @return the copy
     */
    public static ObjectNode keepMaskedSecrets(ObjectNode stored, ObjectNode sent) {
        return keepMaskedSecrets(stored, sent, SecretFields.BY_NAME);
    }

    /**
     * {@link #keepMaskedSecrets(ObjectNode, ObjectNode)} with the secrets told by the channel declarations.
     *
     * @param stored  the stored profile with plaintext secrets, may be {@code null}
     * @param sent    the profile a client sent
     * @param secrets which config values are secrets
     * @return the copy
     */
    public static ObjectNode keepMaskedSecrets(ObjectNode stored, ObjectNode sent, SecretFields secrets) {
        ObjectNode copy = sent.deepCopy();
        if (!(copy.get("config") instanceof ObjectNode cfg)) {
            return copy;
        }
        JsonNode storedCfg = stored == null ? null : stored.get("config");
        String type = profileType(copy);
        List<String> masked = new ArrayList<>();
        cfg.properties().forEach(e -> {
            if (secrets.isSecret(type, e.getKey()) && e.getValue().isTextual()
                    && SECRET_SET.equals(e.getValue().textValue())) {
                masked.add(e.getKey());
            }
        });
        for (String key : masked) {
            JsonNode old = storedCfg == null ? null : storedCfg.get(key);
            cfg.put(key, old != null && old.isTextual() ? old.textValue() : "");
        }
        return copy;
    }

    private static String profileType(JsonNode profile) {
        JsonNode t = profile.get("type");
        return t != null && t.isTextual() ? t.textValue().strip().toLowerCase(Locale.ROOT) : NotifyProfile.TYPE_PUSHOVER;
    }

    private static boolean isNonEmptyText(Object v) {
        return v instanceof CharSequence && ((CharSequence) v).length() > 0;
    }
}
