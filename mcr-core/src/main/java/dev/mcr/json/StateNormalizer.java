package dev.mcr.json;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcr.model.AppState;
import dev.mcr.model.DemoState;
import dev.mcr.model.Ids;
import dev.mcr.model.LayoutItem;
import dev.mcr.model.NotifyProfile;
import dev.mcr.model.Runner;
import dev.mcr.model.RunnerGroup;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Internal: turns any JSON into a consistent {@link AppState}, the way the original tool's {@code _merge_defaults}
 * does on every load and save, and never throws.
 *
 * <p>Rules (SPEC §1):
 * <ul>
 *   <li>Ids must match {@code ^[A-Za-z0-9_-]{1,120}$} after trimming; invalid ones are replaced with a
 *       new id, duplicates (per kind; case ids per runner) get a new id.</li>
 *   <li>Wrong types become defaults. Whole numbers may arrive as numbers, floats (truncated) or text
 *       ({@code "5"}, {@code "5.0"}); booleans and containers are wrong types. Floats beyond the double
 *       range (such as {@code 1e309}, which Python reads as infinity) count as wrong types; very large
 *       integers are saturated.</li>
 *   <li>{@code max_runs} is -1 or clamped to 1..100; cooldown, escalation, threshold and profile counters
 *       are at least 0 (and at most {@link Integer#MAX_VALUE}); a schedule with a negative part becomes
 *       {@code max(0, h·3600+m·60+s)} split into hours, minutes and seconds.</li>
 *   <li>Case states are parsed with {@link dev.mcr.model.CaseState#parse}.</li>
 *   <li>A runner's notification ids are deduplicated and must name an existing profile;
 *       {@code notify_profile_updates_only} is a subset of them.</li>
 *   <li>A runner belongs to at most one group (the first wins); unknown runner ids are dropped from groups;
 *       {@code disabled_runner_ids} is a subset of the group's {@code runner_ids}.</li>
 *   <li>The layout never lists grouped runners, drops duplicates, dangling items and unknown types, and
 *       gets every missing runner, then every missing group appended in list order.</li>
 *   <li>Legacy migration: top-level {@code pushover_user_key}/{@code pushover_api_token} with no profiles
 *       create the profile {@code notify_default} "Pushover (Standard)", assigned to every runner without
 *       notification ids. The legacy keys themselves are never kept (they hold plaintext secrets).</li>
 *   <li>Unknown keys of the state, profiles, runners (and of their schedules and cases), groups and layout items
 *       are kept in their {@code extra} maps as
 *       unmodifiable plain Java values (Map, List, String, Number, Boolean, null; {@code NaN} and infinities
 *       become the text {@code "NaN"}, {@code "Infinity"}, {@code "-Infinity"}), except
 *       {@code snoozed_until} of profiles and runners, which the original drops, and values nested deeper
 *       than {@value #MAX_EXTRA_DEPTH} levels. A profile's {@code config} keeps every key, its values as text (of channels other than Pushover, objects, arrays and booleans as their JSON).</li>
 * </ul>
 *
 * <p>Deliberate difference: a missing or {@code null} top-level list is empty here, while the original
 * fell back to its demo runners; seeding an empty store is the store's job ({@link DemoState#seed()}).
 */
public final class StateNormalizer {

    /** Deepest nesting of an unknown value that is kept; deeper values are dropped with their key. */
    public static final int MAX_EXTRA_DEPTH = 100;

    /** Id of the profile created by the legacy migration. */
    public static final String LEGACY_PROFILE_ID = "notify_default";
    /** Name of the profile created by the legacy migration. */
    public static final String LEGACY_PROFILE_NAME = "Pushover (Standard)";

    private static final String LEGACY_USER_KEY = "pushover_user_key";
    private static final String LEGACY_API_TOKEN = "pushover_api_token";
    private static final String SNOOZED_UNTIL = RunnerJson.SNOOZED_UNTIL;

    private static final Set<String> STATE_KEYS = Set.of(
            "notify_profiles", "runners", "runner_groups", "runner_layout", LEGACY_USER_KEY, LEGACY_API_TOKEN);
    private static final Set<String> PROFILE_KEYS = Set.of(
            "id", "name", "type", "active", "failure_count", "sent_count", "config", SNOOZED_UNTIL);
    private static final Set<String> GROUP_KEYS = Set.of("id", "name", "runner_ids", "disabled_runner_ids");
    private static final Set<String> LAYOUT_KEYS = Set.of("type", "id");

    private static final Set<String> TRUE_WORDS = Set.of("true", "1", "yes", "y", "on", "t");
    private static final Set<String> FALSE_WORDS = Set.of("false", "0", "no", "n", "off", "f");

    private static final BigDecimal LONG_MIN = BigDecimal.valueOf(Long.MIN_VALUE);
    private static final BigDecimal LONG_MAX = BigDecimal.valueOf(Long.MAX_VALUE);
    private static final BigDecimal DOUBLE_MAX = new BigDecimal(Double.MAX_VALUE);
    /** Longer numeric texts are not numbers anyone meant; refusing them keeps parsing cheap. */
    private static final int MAX_NUMBER_TEXT = 400;

    private StateNormalizer() {
    }

    /**
     * Normalizes a raw JSON state.
     *
     * @param raw any JSON tree, may be {@code null} or not an object (then the result is the empty state)
     * @return a consistent state; never {@code null}
     */
    public static AppState normalize(JsonNode raw) {
        JsonNode root = raw != null && raw.isObject() ? raw : null;

        JsonNode rawProfiles = field(root, "notify_profiles");
        boolean migrate = (truthy(field(root, LEGACY_USER_KEY)) || truthy(field(root, LEGACY_API_TOKEN)))
                && !truthy(rawProfiles);

        List<NotifyProfile> profiles = migrate ? List.of(legacyProfile(root)) : profiles(rawProfiles);
        Set<String> profileIds = new HashSet<>();
        profiles.forEach(p -> profileIds.add(p.id()));

        List<Runner> runners = runners(field(root, "runners"), profileIds, migrate);
        Set<String> runnerIds = new HashSet<>();
        runners.forEach(r -> runnerIds.add(r.id()));

        List<RunnerGroup> groups = groups(field(root, "runner_groups"), runnerIds);
        List<LayoutItem> layout = layout(field(root, "runner_layout"), runners, groups);

        return new AppState(profiles, runners, groups, layout, extra(root, STATE_KEYS));
    }

    /**
     * Re-applies every rule to a state built in code (for example after a programmatic change).
     *
     * @param state a state, may be inconsistent (dangling references, incomplete layout, …)
     * @return the consistent state
     */
    public static AppState normalize(AppState state) {
        if (state == null) {
            return normalize((JsonNode) null);
        }
        return normalize(StateTrees.toJson(state));
    }

    // ----------------------------------------------------------------------------------- profiles

    private static NotifyProfile legacyProfile(JsonNode root) {
        Map<String, String> config = new LinkedHashMap<>();
        config.put(NotifyProfile.USER_KEY, text(field(root, LEGACY_USER_KEY), ""));
        config.put(NotifyProfile.API_TOKEN, text(field(root, LEGACY_API_TOKEN), ""));
        return new NotifyProfile(LEGACY_PROFILE_ID, LEGACY_PROFILE_NAME, NotifyProfile.TYPE_PUSHOVER, true, 0, 0,
                config, Map.of());
    }

    private static List<NotifyProfile> profiles(JsonNode raw) {
        List<NotifyProfile> out = new ArrayList<>();
        if (raw == null || !raw.isArray()) {
            return out;
        }
        Set<String> seen = new HashSet<>();
        for (JsonNode p : raw) {
            if (!p.isObject()) {
                continue;
            }
            String id = uniqueId(p.get("id"), Ids.NOTIFY, seen);
            String type = profileType(p.get("type"));
            out.add(new NotifyProfile(
                    id,
                    text(p.get("name"), "Pushover"),
                    type,
                    bool(p.get("active"), true),
                    (int) nonNegative(p.get("failure_count"), 0),
                    (int) nonNegative(p.get("sent_count"), 0),
                    config(p.get("config"), type),
                    extra(p, PROFILE_KEYS)));
        }
        return out;
    }

    /** Keeps a sane type word so channels beyond Pushover survive a save; anything else is Pushover. */
    private static String profileType(JsonNode raw) {
        String t = raw != null && raw.isTextual() ? raw.textValue().strip().toLowerCase(Locale.ROOT) : "";
        return Ids.isValid(t) ? t : NotifyProfile.TYPE_PUSHOVER;
    }

    private static Map<String, String> config(JsonNode raw, String type) {
        Map<String, String> out = new LinkedHashMap<>();
        if (raw != null && raw.isObject()) {
            for (Map.Entry<String, JsonNode> e : raw.properties()) {
                JsonNode v = e.getValue();
                // A channel's JSON setting (a webhook's headers) and a yes/no are kept as their JSON text; Pushover
                // keeps the original's rule (only text and numbers).
                boolean asJson = !NotifyProfile.TYPE_PUSHOVER.equals(type) && (v.isContainerNode() || v.isBoolean());
                out.put(e.getKey(), asJson ? v.toString() : text(v, ""));
            }
        }
        if (NotifyProfile.TYPE_PUSHOVER.equals(type)) {
            out.putIfAbsent(NotifyProfile.USER_KEY, "");
            out.putIfAbsent(NotifyProfile.API_TOKEN, "");
        }
        return out;
    }

    // ------------------------------------------------------------------------------------ runners

    private static List<Runner> runners(JsonNode raw, Set<String> profileIds, boolean migrated) {
        List<Runner> out = new ArrayList<>();
        if (raw == null || !raw.isArray()) {
            return out;
        }
        Set<String> seen = new HashSet<>();
        for (JsonNode r : raw) {
            if (r.isObject()) {
                out.add(RunnerJson.read(r, seen, profileIds, migrated, LEGACY_PROFILE_ID));
            }
        }
        return out;
    }

    // ------------------------------------------------------------------------------------- groups

    private static List<RunnerGroup> groups(JsonNode raw, Set<String> runnerIds) {
        List<RunnerGroup> out = new ArrayList<>();
        if (raw == null || !raw.isArray()) {
            return out;
        }
        Set<String> seen = new HashSet<>();
        Set<String> assigned = new HashSet<>();
        for (JsonNode g : raw) {
            if (!g.isObject()) {
                continue;
            }
            String id = uniqueId(g.get("id"), Ids.GROUP, seen);
            Set<String> members = new LinkedHashSet<>();
            for (String rid : idList(g.get("runner_ids"))) {
                if (runnerIds.contains(rid) && assigned.add(rid)) {
                    members.add(rid);
                }
            }
            Set<String> disabled = new LinkedHashSet<>();
            for (String rid : idList(g.get("disabled_runner_ids"))) {
                if (members.contains(rid)) {
                    disabled.add(rid);
                }
            }
            String name = text(g.get("name"), "");
            out.add(new RunnerGroup(id, name.isEmpty() ? RunnerGroup.DEFAULT_NAME : name, List.copyOf(members),
                    List.copyOf(disabled), extra(g, GROUP_KEYS)));
        }
        return out;
    }

    private static List<LayoutItem> layout(JsonNode raw, List<Runner> runners, List<RunnerGroup> groups) {
        Set<String> runnerIds = new HashSet<>();
        runners.forEach(r -> runnerIds.add(r.id()));
        Set<String> groupIds = new HashSet<>();
        Set<String> grouped = new HashSet<>();
        for (RunnerGroup g : groups) {
            groupIds.add(g.id());
            grouped.addAll(g.runnerIds());
        }
        List<LayoutItem> out = new ArrayList<>();
        Set<String> seenRunners = new HashSet<>();
        Set<String> seenGroups = new HashSet<>();
        if (raw != null && raw.isArray()) {
            for (JsonNode item : raw) {
                if (!item.isObject()) {
                    continue;
                }
                String type = text(item.get("type"), "").strip().toLowerCase(Locale.ROOT);
                String id = text(item.get("id"), "").strip();
                if (type.equals("runner")) {
                    if (runnerIds.contains(id) && !grouped.contains(id) && seenRunners.add(id)) {
                        out.add(new LayoutItem(LayoutItem.Type.RUNNER, id, extra(item, LAYOUT_KEYS)));
                    }
                } else if (type.equals("group")) {
                    if (groupIds.contains(id) && seenGroups.add(id)) {
                        out.add(new LayoutItem(LayoutItem.Type.GROUP, id, extra(item, LAYOUT_KEYS)));
                    }
                }
            }
        }
        for (Runner r : runners) {
            if (!grouped.contains(r.id()) && seenRunners.add(r.id())) {
                out.add(LayoutItem.runner(r.id()));
            }
        }
        for (RunnerGroup g : groups) {
            if (seenGroups.add(g.id())) {
                out.add(LayoutItem.group(g.id()));
            }
        }
        return out;
    }

    // ------------------------------------------------------------------------------------ helpers

    private static JsonNode field(JsonNode obj, String name) {
        return obj == null ? null : obj.get(name);
    }

    /** Python truthiness of a JSON value: null, false, 0, "", [] and {} are false. */
    static boolean truthy(JsonNode n) {
        if (n == null || n.isNull() || n.isMissingNode()) {
            return false;
        }
        if (n.isBoolean()) {
            return n.booleanValue();
        }
        if (n.isNumber()) {
            return n.isIntegralNumber() ? n.bigIntegerValue().signum() != 0 : n.doubleValue() != 0.0;
        }
        if (n.isTextual()) {
            return !n.textValue().isEmpty();
        }
        if (n.isContainerNode()) {
            return n.size() > 0;
        }
        return true;
    }

    /** A string, or a number written as its decimal text; anything else is the default. */
    static String text(JsonNode n, String def) {
        if (n == null) {
            return def;
        }
        if (n.isTextual()) {
            return n.textValue();
        }
        if (n.isNumber()) {
            return n.asText();
        }
        return def;
    }

    /** The trimmed text of an id reference, or {@code null} when the value cannot be an id. */
    private static String idText(JsonNode n) {
        if (n == null) {
            return null;
        }
        if (n.isTextual()) {
            return n.textValue().strip();
        }
        if (n.isIntegralNumber()) {
            return n.asText();
        }
        return null;
    }

    static String uniqueId(JsonNode raw, String prefix, Set<String> seen) {
        String id = idText(raw);
        if (!Ids.isValid(id)) {
            id = Ids.newId(prefix);
        }
        while (seen.contains(id)) {
            id = Ids.newId(prefix);
        }
        seen.add(id);
        return id;
    }

    /** Valid trimmed ids of a list, in order (duplicates kept; callers dedupe where the rule says so). */
    static List<String> idList(JsonNode raw) {
        List<String> out = new ArrayList<>();
        if (raw == null || !raw.isArray()) {
            return out;
        }
        for (JsonNode v : raw) {
            String id = idText(v);
            if (Ids.isValid(id)) {
                out.add(id);
            }
        }
        return out;
    }

    static boolean bool(JsonNode n, boolean def) {
        if (n == null) {
            return def;
        }
        if (n.isBoolean()) {
            return n.booleanValue();
        }
        if (n.isNumber()) {
            if (n.isIntegralNumber()) {
                return n.bigIntegerValue().signum() != 0;
            }
            double d = n.doubleValue();
            return Double.isNaN(d) ? def : d != 0.0;
        }
        if (n.isTextual()) {
            String s = n.textValue().strip().toLowerCase(Locale.ROOT);
            if (TRUE_WORDS.contains(s)) {
                return true;
            }
            if (FALSE_WORDS.contains(s)) {
                return false;
            }
        }
        return def;
    }

    /** A whole number in 0..Integer.MAX_VALUE; negatives become 0, wrong types the default. */
    static long nonNegative(JsonNode n, long def) {
        Long v = wholeNumber(n);
        if (v == null) {
            return def;
        }
        return Math.max(0, clampToInt(v));
    }

    static long orZero(Long v) {
        return v == null ? 0 : v;
    }

    static long clampToInt(long v) {
        return Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, v));
    }

    /**
     * Reads a whole number like Python's {@code int()} with a few more accepted forms: integers (saturated
     * to the long range), finite floats (truncated toward zero) and numeric text such as {@code " 5 "} or
     * {@code "5.0"}. Returns {@code null} for everything else, including booleans and infinities.
     */
    static Long wholeNumber(JsonNode n) {
        if (n == null || !(n.isNumber() || n.isTextual())) {
            return null;
        }
        if (n.isIntegralNumber()) {
            if (n.canConvertToLong()) {
                return n.longValue();
            }
            return n.bigIntegerValue().signum() > 0 ? Long.MAX_VALUE : Long.MIN_VALUE;
        }
        BigDecimal d;
        if (n.isNumber()) {
            if (n.isBigDecimal()) {
                d = n.decimalValue();
            } else {
                double v = n.doubleValue();
                if (Double.isNaN(v) || Double.isInfinite(v)) {
                    return null;
                }
                d = BigDecimal.valueOf(v);
            }
        } else {
            String s = n.textValue().strip();
            if (s.isEmpty() || s.length() > MAX_NUMBER_TEXT) {
                return null;
            }
            try {
                d = new BigDecimal(s);
            } catch (NumberFormatException e) {
                return null;
            }
        }
        if (d.abs().compareTo(DOUBLE_MAX) > 0) {
            return null;
        }
        if (d.compareTo(LONG_MAX) >= 0) {
            return Long.MAX_VALUE;
        }
        if (d.compareTo(LONG_MIN) <= 0) {
            return Long.MIN_VALUE;
        }
        if (d.abs().compareTo(BigDecimal.ONE) < 0) {
            return 0L;
        }
        return d.longValue();
    }

    // ------------------------------------------------------------------------------ unknown keys

    /** Signals an unknown value nested too deeply to keep. */
    private static final class TooDeep extends RuntimeException {
        private static final long serialVersionUID = 1L;
        static final TooDeep INSTANCE = new TooDeep();

        private TooDeep() {
            super("too deep", null, false, false);
        }
    }

    static Map<String, Object> extra(JsonNode obj, Set<String> known) {
        if (obj == null || !obj.isObject()) {
            return Map.of();
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : obj.properties()) {
            if (known.contains(e.getKey()) || e.getValue() == null || e.getValue().isMissingNode()) {
                continue;
            }
            try {
                out.put(e.getKey(), plain(e.getValue(), 1));
            } catch (TooDeep tooDeep) {
                // dropped: not harmless to keep (it could not be written back)
            }
        }
        return out;
    }

    private static Object plain(JsonNode n, int depth) {
        if (depth > MAX_EXTRA_DEPTH) {
            throw TooDeep.INSTANCE;
        }
        switch (n.getNodeType()) {
            case NULL:
            case MISSING:
                return null;
            case BOOLEAN:
                return n.booleanValue();
            case NUMBER:
                if (n.isFloatingPointNumber() && !n.isBigDecimal() && !Double.isFinite(n.doubleValue())) {
                    // JSON has no such numbers; as text they survive a write and re-read unchanged
                    return n.asText();
                }
                return n.numberValue();
            case STRING:
                return n.textValue();
            case ARRAY: {
                List<Object> list = new ArrayList<>(n.size());
                for (JsonNode e : n) {
                    list.add(plain(e, depth + 1));
                }
                return Collections.unmodifiableList(list);
            }
            case OBJECT: {
                Map<String, Object> map = new LinkedHashMap<>();
                for (Map.Entry<String, JsonNode> e : n.properties()) {
                    map.put(e.getKey(), plain(e.getValue(), depth + 1));
                }
                return Collections.unmodifiableMap(map);
            }
            default:
                return n.asText();
        }
    }
}
