package dev.mcr.transfer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcr.crypto.SecretMasking;
import dev.mcr.error.InvalidInputException;
import dev.mcr.error.RunnerNotFoundException;
import dev.mcr.error.TooLargeException;
import dev.mcr.json.StateNormalizer;
import dev.mcr.json.StateTrees;
import dev.mcr.model.AppState;
import dev.mcr.model.CaseRule;
import dev.mcr.model.Ids;
import dev.mcr.model.LayoutItem;
import dev.mcr.model.Runner;
import dev.mcr.model.RunnerGroup;
import dev.mcr.model.Timestamps;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Clone, export and import of runners (SPEC §9). Every method is a pure function of its arguments: it
 * returns a new normalized state and never changes the one it was given.
 */
public final class Transfer {

    /** Prefix of export file names. */
    public static final String EXPORT_FILE_PREFIX = "multi-command-runner-export-";

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final DateTimeFormatter FILE_STAMP = DateTimeFormatter.ofPattern("uuuuMMdd_HHmmss");
    private static final String ID_RULE = "1 to 120 characters of A-Z, a-z, 0-9, '_' or '-'";
    private static final Set<String> BOOL_WORDS = Set.of(
            "true", "false", "1", "0", "yes", "no", "y", "n", "on", "off", "t", "f");
    private static final Pattern WHOLE_TEXT = Pattern.compile("[+-]?\\d{1,400}(\\.0*)?");
    private static final Set<String> GROUP_KEYS = Set.of("id", "name", "runner_ids", "disabled_runner_ids");

    private Transfer() {
    }

    // -------------------------------------------------------------------------------------- clone

    /**
     * Clones a runner: a deep copy with a new runner id and new case ids, named "&lt;name&gt; (copy)",
     * "&lt;name&gt; (copy 2)", … (unique ignoring case), inserted right after the source in the runner list,
     * and, if the source is in a group, right after it in that group (disabled if the source is), otherwise
     * right after it in the layout.
     *
     * @param state    the current state
     * @param runnerId the runner to clone
     * @return the new state and the clone's id and name
     * @throws RunnerNotFoundException when no runner has that id
     */
    public static CloneOutcome cloneRunner(AppState state, String runnerId) {
        Objects.requireNonNull(state, "state");
        List<Runner> runners = new ArrayList<>(state.runners());
        int index = -1;
        for (int i = 0; i < runners.size(); i++) {
            if (runners.get(i).id().equals(runnerId)) {
                index = i;
                break;
            }
        }
        if (index < 0) {
            throw new RunnerNotFoundException(runnerId);
        }
        Runner source = runners.get(index);
        String cloneId = Ids.newId(Ids.RUNNER);
        String cloneName = nextCloneName(source.name(), runners);
        List<CaseRule> cases = new ArrayList<>();
        for (CaseRule c : source.cases()) {
            cases.add(c.withId(Ids.newId(Ids.CASE)));
        }
        runners.add(index + 1, source.toBuilder().id(cloneId).name(cloneName).cases(cases).build());

        List<RunnerGroup> groups = new ArrayList<>(state.runnerGroups());
        List<LayoutItem> layout = new ArrayList<>(state.runnerLayout());
        int groupIndex = -1;
        for (int i = 0; i < groups.size(); i++) {
            if (groups.get(i).runnerIds().contains(runnerId)) {
                groupIndex = i;
                break;
            }
        }
        if (groupIndex >= 0) {
            RunnerGroup group = groups.get(groupIndex);
            List<String> members = new ArrayList<>(group.runnerIds());
            members.add(members.indexOf(runnerId) + 1, cloneId);
            Set<String> disabled = new HashSet<>(group.disabledRunnerIds());
            if (disabled.contains(runnerId)) {
                disabled.add(cloneId);
            }
            groups.set(groupIndex, group.withMembers(members, members.stream().filter(disabled::contains).toList()));
        } else {
            int at = -1;
            for (int i = 0; i < layout.size() && at < 0; i++) {
                LayoutItem item = layout.get(i);
                if (item.type() == LayoutItem.Type.RUNNER && item.id().equals(runnerId)) {
                    at = i;
                }
            }
            layout.add(at < 0 ? layout.size() : at + 1, LayoutItem.runner(cloneId));
        }
        AppState next = StateNormalizer.normalize(
                new AppState(state.notifyProfiles(), runners, groups, layout, state.extra()));
        return new CloneOutcome(next, cloneId, cloneName);
    }

    private static String nextCloneName(String name, List<Runner> runners) {
        String base = name.strip();
        if (base.isEmpty()) {
            base = Runner.DEFAULT_NAME;
        }
        Set<String> existing = new HashSet<>();
        for (Runner r : runners) {
            existing.add(fold(r.name().strip()));
        }
        String candidate = base + " (copy)";
        for (int i = 2; existing.contains(fold(candidate)); i++) {
            candidate = base + " (copy " + i + ")";
        }
        return candidate;
    }

    /** Close to Python's {@code str.casefold()}: upper then lower case folds ß to ss and similar. */
    private static String fold(String s) {
        return s.toUpperCase(Locale.ROOT).toLowerCase(Locale.ROOT);
    }

    // ------------------------------------------------------------------------------------- export

    /**
     * Builds an export document: {@code {runners, runner_groups, runner_layout, exported_at}}. Notification
     * profiles are never part of it; runners keep their profile ids; the values of their secret variables are
     * exported empty (the variables themselves, with {@code "secret": true}, are kept).
     *
     * @param state the state to export
     * @param now   the export time
     * @param zone  the zone whose offset {@code exported_at} carries
     * @return a new object node; write it with {@link StateTrees#writeIndented(JsonNode)} for the original's layout
     */
    public static ObjectNode export(AppState state, Instant now, ZoneId zone) {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(now, "now");
        Objects.requireNonNull(zone, "zone");
        ObjectNode full = StateTrees.toJson(state.withRunners(SecretMasking.maskRunners(state.runners(), "")));
        ObjectNode out = NODES.objectNode();
        out.set("runners", full.get("runners"));
        out.set("runner_groups", full.get("runner_groups"));
        out.set("runner_layout", full.get("runner_layout"));
        out.put("exported_at", Timestamps.format(now, zone));
        return out;
    }

    /**
     * Returns the download name of an export: {@code multi-command-runner-export-YYYYMMDD_HHMMSS.json} in
     * local time of the zone.
     *
     * @param now  the export time
     * @param zone the zone of the local time
     * @return the file name
     */
    public static String exportFileName(Instant now, ZoneId zone) {
        return EXPORT_FILE_PREFIX + FILE_STAMP.format(ZonedDateTime.ofInstant(now, zone)) + ".json";
    }

    // ------------------------------------------------------------------------------------- import

    /**
     * Imports an export file: runners, cases and groups get new ids, group members and layout are remapped,
     * and everything is appended to the current state. All or nothing: on any problem an exception is thrown
     * and no state is produced. Profiles in the file are ignored; profile ids the current state does not know
     * are dropped from the imported runners.
     *
     * @param current the current state
     * @param body    the raw file (UTF-8 JSON)
     * @param limits  the limits to apply
     * @return the new state and the number of imported runners
     * @throws TooLargeException     "Import too large (max N bytes)" when the body exceeds the limit
     * @throws InvalidInputException with the original's message for invalid JSON, a missing or non-list
     *                               {@code runners}, too many runners, an invalid runner/group/layout entry,
     *                               too many cases in a runner or too many runners in all
     */
    public static ImportResult importRunners(AppState current, byte[] body, ImportRules limits) {
        Objects.requireNonNull(current, "current");
        Objects.requireNonNull(limits, "limits");
        if (body != null && body.length > limits.maxImportBytes()) {
            throw new TooLargeException("Import too large (max " + limits.maxImportBytes() + " bytes)",
                    "MAX_IMPORT_BYTES", body.length, limits.maxImportBytes());
        }
        JsonNode root = StateTrees.parse(body);
        if (!root.isObject() || !root.has("runners")) {
            throw new InvalidInputException("Invalid import format: missing 'runners' key");
        }
        JsonNode runners = root.get("runners");
        if (!runners.isArray()) {
            throw new InvalidInputException("Invalid import format: 'runners' must be a list");
        }
        if (runners.size() > limits.maxImportedRunners()) {
            throw new InvalidInputException("Too many runners in import (max " + limits.maxImportedRunners() + ")");
        }
        JsonNode groups = optionalList(root, "runner_groups");
        JsonNode layout = optionalList(root, "runner_layout");

        for (int i = 0; i < runners.size(); i++) {
            JsonNode r = runners.get(i);
            int idx = i + 1;
            String problem = r.isObject() ? runnerProblem(r) : "expected object";
            if (problem != null) {
                throw new InvalidInputException("Invalid runner entry at index " + idx + ": " + problem);
            }
            JsonNode cases = r.get("cases");
            if (cases != null && cases.size() > limits.maxCasesPerRunner()) {
                throw new InvalidInputException("Runner entry at index " + idx + " exceeds case limit ("
                        + limits.maxCasesPerRunner() + ")");
            }
        }
        for (int i = 0; i < groups.size(); i++) {
            JsonNode g = groups.get(i);
            String problem = g.isObject() ? groupProblem(g) : "expected object";
            if (problem != null) {
                throw new InvalidInputException("Invalid group entry at index " + (i + 1) + ": " + problem);
            }
        }
        for (int i = 0; i < layout.size(); i++) {
            JsonNode item = layout.get(i);
            String problem = item.isObject() ? layoutProblem(item) : "expected object";
            if (problem != null) {
                throw new InvalidInputException("Invalid layout entry at index " + (i + 1) + ": " + problem);
            }
        }
        if ((long) current.runners().size() + runners.size() > limits.maxTotalRunners()) {
            throw new InvalidInputException("Import would exceed total runner limit (" + limits.maxTotalRunners() + ")");
        }

        Map<String, String> runnerIds = new HashMap<>();
        List<ObjectNode> newRunners = new ArrayList<>();
        for (JsonNode r : runners) {
            ObjectNode copy = r.deepCopy();
            String newId = Ids.newId(Ids.RUNNER);
            if (r.has("id")) {
                runnerIds.put(r.get("id").textValue(), newId);
            }
            copy.put("id", newId);
            JsonNode cases = copy.get("cases");
            if (cases != null) {
                for (JsonNode c : cases) {
                    ((ObjectNode) c).put("id", Ids.newId(Ids.CASE));
                }
            }
            newRunners.add(copy);
        }

        Map<String, String> groupIds = new HashMap<>();
        List<ObjectNode> newGroups = new ArrayList<>();
        Set<String> grouped = new HashSet<>();
        for (JsonNode g : groups) {
            String newId = Ids.newId(Ids.GROUP);
            if (g.has("id")) {
                groupIds.put(g.get("id").textValue(), newId);
            }
            Set<String> members = new LinkedHashSet<>();
            for (JsonNode v : listOrEmpty(g.get("runner_ids"))) {
                String mapped = runnerIds.get(v.textValue().strip());
                if (mapped != null && !grouped.contains(mapped)) {
                    members.add(mapped);
                }
            }
            grouped.addAll(members);
            Set<String> disabled = new LinkedHashSet<>();
            for (JsonNode v : listOrEmpty(g.get("disabled_runner_ids"))) {
                String mapped = runnerIds.get(v.textValue().strip());
                if (mapped != null && members.contains(mapped)) {
                    disabled.add(mapped);
                }
            }
            ObjectNode o = NODES.objectNode();
            o.put("id", newId);
            String name = g.has("name") ? g.get("name").textValue() : "";
            o.put("name", name.isEmpty() ? RunnerGroup.DEFAULT_NAME : name);
            members.forEach(o.putArray("runner_ids")::add);
            disabled.forEach(o.putArray("disabled_runner_ids")::add);
            for (Map.Entry<String, JsonNode> e : g.properties()) {
                if (!GROUP_KEYS.contains(e.getKey())) {
                    o.set(e.getKey(), e.getValue());
                }
            }
            newGroups.add(o);
        }

        ArrayNode segment = NODES.arrayNode();
        Set<String> seenRunners = new HashSet<>();
        Set<String> seenGroups = new HashSet<>();
        for (JsonNode item : layout) {
            String type = item.has("type") ? item.get("type").textValue().strip().toLowerCase(Locale.ROOT) : "runner";
            String id = item.get("id").textValue().strip();
            if (type.equals("runner")) {
                String mapped = runnerIds.get(id);
                if (mapped != null && !grouped.contains(mapped) && seenRunners.add(mapped)) {
                    segment.add(layoutNode("runner", mapped));
                }
            } else {
                String mapped = groupIds.get(id);
                if (mapped != null && seenGroups.add(mapped)) {
                    segment.add(layoutNode("group", mapped));
                }
            }
        }
        for (ObjectNode r : newRunners) {
            String id = r.get("id").textValue();
            if (!grouped.contains(id) && seenRunners.add(id)) {
                segment.add(layoutNode("runner", id));
            }
        }
        for (ObjectNode g : newGroups) {
            String id = g.get("id").textValue();
            if (seenGroups.add(id)) {
                segment.add(layoutNode("group", id));
            }
        }

        ObjectNode merged = StateTrees.toJson(current);
        newRunners.forEach(((ArrayNode) merged.get("runners"))::add);
        newGroups.forEach(((ArrayNode) merged.get("runner_groups"))::add);
        ((ArrayNode) merged.get("runner_layout")).addAll(segment);
        return new ImportResult(StateNormalizer.normalize(merged), runners.size());
    }

    private static JsonNode optionalList(JsonNode root, String key) {
        JsonNode v = root.get(key);
        if (v == null || v.isNull()) {
            return NODES.arrayNode();
        }
        if (!v.isArray()) {
            throw new InvalidInputException("Invalid import format: '" + key + "' must be a list");
        }
        return v;
    }

    private static JsonNode listOrEmpty(JsonNode v) {
        return v == null ? NODES.arrayNode() : v;
    }

    private static ObjectNode layoutNode(String type, String id) {
        ObjectNode o = NODES.objectNode();
        o.put("type", type);
        o.put("id", id);
        return o;
    }

    // ------------------------------------------------------------------ entry checks (like pydantic)

    private static String runnerProblem(JsonNode r) {
        String p = firstProblem(
                entityId(r),
                string(r, "name"),
                string(r, "command"),
                bool(r, "logging_enabled"),
                schedule(r),
                whole(r, "max_runs"),
                whole(r, "alert_cooldown_s"),
                whole(r, "alert_escalation_s"),
                whole(r, "failure_pause_threshold"),
                idList(r, "notify_profile_ids"),
                idList(r, "notify_profile_updates_only"));
        if (p != null) {
            return p;
        }
        JsonNode cases = r.get("cases");
        if (cases == null) {
            return null;
        }
        if (!cases.isArray()) {
            return "'cases' must be a list.";
        }
        for (int i = 0; i < cases.size(); i++) {
            JsonNode c = cases.get(i);
            String problem = c.isObject()
                    ? firstProblem(entityId(c), string(c, "pattern"), string(c, "message_template"), string(c, "state"))
                    : "must be an object.";
            if (problem != null) {
                return "case " + (i + 1) + ": " + problem;
            }
        }
        return null;
    }

    private static String groupProblem(JsonNode g) {
        return firstProblem(entityId(g), string(g, "name"), idList(g, "runner_ids"), idList(g, "disabled_runner_ids"));
    }

    private static String layoutProblem(JsonNode item) {
        JsonNode type = item.get("type");
        if (type != null) {
            String t = type.isTextual() ? type.textValue().strip().toLowerCase(Locale.ROOT) : "";
            if (!t.equals("runner") && !t.equals("group")) {
                return "'type' must be \"runner\" or \"group\".";
            }
        }
        JsonNode id = item.get("id");
        if (id == null || !id.isTextual() || !Ids.isValid(id.textValue().strip())) {
            return "'id' must be " + ID_RULE + ".";
        }
        return null;
    }

    private static String firstProblem(String... problems) {
        for (String p : problems) {
            if (p != null) {
                return p;
            }
        }
        return null;
    }

    private static String entityId(JsonNode obj) {
        JsonNode v = obj.get("id");
        if (v != null && !(v.isTextual() && Ids.isValid(v.textValue()))) {
            return "'id' must be " + ID_RULE + ".";
        }
        return null;
    }

    private static String string(JsonNode obj, String key) {
        JsonNode v = obj.get(key);
        return v != null && !v.isTextual() ? "'" + key + "' must be a string." : null;
    }

    private static String bool(JsonNode obj, String key) {
        JsonNode v = obj.get(key);
        if (v == null || v.isBoolean()) {
            return null;
        }
        boolean ok;
        if (v.isNumber()) {
            ok = v.isIntegralNumber()
                    ? v.canConvertToLong() && (v.longValue() == 0 || v.longValue() == 1)
                    : v.doubleValue() == 0.0 || v.doubleValue() == 1.0;
        } else {
            ok = v.isTextual() && BOOL_WORDS.contains(v.textValue().strip().toLowerCase(Locale.ROOT));
        }
        return ok ? null : "'" + key + "' must be true or false.";
    }

    private static String whole(JsonNode obj, String key) {
        JsonNode v = obj.get(key);
        return v != null && !isWhole(v) ? "'" + key + "' must be a whole number." : null;
    }

    private static boolean isWhole(JsonNode v) {
        if (v.isIntegralNumber()) {
            return true;
        }
        if (v.isFloatingPointNumber()) {
            if (v.isBigDecimal()) {
                return v.decimalValue().signum() == 0 || v.decimalValue().stripTrailingZeros().scale() <= 0;
            }
            double d = v.doubleValue();
            return Double.isFinite(d) && d == Math.rint(d);
        }
        return v.isTextual() && WHOLE_TEXT.matcher(v.textValue().strip()).matches();
    }

    private static String schedule(JsonNode r) {
        JsonNode s = r.get("schedule");
        if (s == null) {
            return null;
        }
        if (!s.isObject()) {
            return "'schedule' must be an object with hours, minutes and seconds.";
        }
        for (String part : List.of("hours", "minutes", "seconds")) {
            JsonNode v = s.get(part);
            if (v != null && !isWhole(v)) {
                return "'schedule." + part + "' must be a whole number.";
            }
        }
        return null;
    }

    private static String idList(JsonNode obj, String key) {
        JsonNode v = obj.get(key);
        if (v == null) {
            return null;
        }
        if (!v.isArray()) {
            return "'" + key + "' must be a list.";
        }
        for (int i = 0; i < v.size(); i++) {
            JsonNode e = v.get(i);
            if (!e.isTextual() || !Ids.isValid(e.textValue().strip())) {
                return "item " + (i + 1) + " of '" + key + "' must be an id of " + ID_RULE + ".";
            }
        }
        return null;
    }
}
