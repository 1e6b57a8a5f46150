package dev.mcr.json;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcr.error.InvalidInputException;
import dev.mcr.model.AppState;
import dev.mcr.model.LayoutItem;
import dev.mcr.model.NotifyProfile;
import dev.mcr.model.RunnerGroup;
import dev.mcr.model.StateJson;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Internal (the API is {@link StateJson}, without Jackson types): the state as Jackson trees, for the code that
 * reads raw documents before normalizing them (saves, imports, the stored row) or writes trees (exports). Keys are
 * written in the original tool's order (see {@link StateJson}); unknown keys kept in {@code extra} maps follow the
 * known keys.
 *
 * <p>Parsing rejects trailing content and follows Jackson's default limits (nesting depth 1000, numbers of
 * 1000 digits, strings of 20 million characters); {@code NaN} and {@code Infinity} are accepted because
 * Python's {@code json} module writes them.
 */
public final class StateTrees {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private static final ObjectWriter INDENTED = MAPPER.writer(new DefaultPrettyPrinter(
            Separators.createDefaultInstance()
                    .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                    .withObjectEmptySeparator("")
                    .withArrayEmptySeparator(""))
            .withObjectIndenter(new DefaultIndenter("  ", "\n"))
            .withArrayIndenter(new DefaultIndenter("  ", "\n")));

    private static final Pattern SOURCE_PREFIX = Pattern.compile("\\[Source: [^;\\]]*; ");
    private static final Pattern CONFIG_HINT = Pattern.compile(",? from `[^`]*`");
    private static final Pattern TOKEN_TEXT = Pattern.compile("^Unrecognized token '.*?':", Pattern.DOTALL);

    private StateTrees() {
    }

    /**
     * Returns a new mapper configured like the one this class uses (changing it does not affect this class).
     *
     * @return a mapper that accepts {@code NaN} and rejects trailing content
     */
    public static ObjectMapper mapper() {
        return MAPPER.copy();
    }

    // ------------------------------------------------------------------------------------ reading

    /**
     * Parses JSON text without normalizing it.
     *
     * @param json the JSON text
     * @return the tree
     * @throws InvalidInputException "Invalid JSON: …" with the reason and position; never echoes the input
     */
    public static JsonNode parse(String json) {
        if (json == null) {
            throw new InvalidInputException("Invalid JSON: there is no content.");
        }
        try {
            return checkContent(MAPPER.readTree(json));
        } catch (JsonProcessingException e) {
            throw invalid(e);
        }
    }

    /**
     * Parses UTF-8 encoded JSON (for example a request body) without normalizing it.
     *
     * @param utf8 the bytes
     * @return the tree
     * @throws InvalidInputException "Invalid JSON: …" with the reason and position; never echoes the input
     */
    public static JsonNode parse(byte[] utf8) {
        if (utf8 == null) {
            throw new InvalidInputException("Invalid JSON: there is no content.");
        }
        try {
            return checkContent(MAPPER.readTree(utf8));
        } catch (JsonProcessingException e) {
            throw invalid(e);
        } catch (IOException e) {
            throw new InvalidInputException("Invalid JSON: the content could not be read.");
        }
    }

    private static JsonNode checkContent(JsonNode node) {
        if (node == null || node.isMissingNode()) {
            throw new InvalidInputException("Invalid JSON: there is no content.");
        }
        return node;
    }

    private static InvalidInputException invalid(JsonProcessingException e) {
        String reason = e.getOriginalMessage();
        if (reason == null || reason.isBlank()) {
            reason = "malformed content";
        }
        // The offending token may be a secret someone pasted; name the problem, not the text.
        reason = TOKEN_TEXT.matcher(reason).replaceFirst("Unrecognized token:");
        if (reason.startsWith("Trailing token")) {
            reason = "Unexpected content after the JSON value";
        }
        reason = SOURCE_PREFIX.matcher(reason).replaceAll("[");
        reason = CONFIG_HINT.matcher(reason).replaceAll("");
        reason = reason.replaceAll("\\s+", " ").strip();
        JsonLocation loc = e.getLocation();
        StringBuilder sb = new StringBuilder("Invalid JSON: ").append(reason);
        if (loc != null && loc.getLineNr() > 0) {
            sb.append(" (line ").append(loc.getLineNr()).append(", column ").append(loc.getColumnNr()).append(')');
        }
        if (sb.charAt(sb.length() - 1) != '.') {
            sb.append('.');
        }
        return new InvalidInputException(sb.toString());
    }

    // ------------------------------------------------------------------------------------ writing

    /**
     * Writes any tree as compact JSON.
     *
     * @param node the tree
     * @return the JSON text
     */
    public static String write(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("The JSON tree could not be written: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * Writes a tree the way Python's {@code json.dumps(x, ensure_ascii=False, indent=2)} does (two-space
     * indent, {@code ": "} between key and value, {@code []} and {@code {}} for empty containers, no trailing
     * newline), as the original writes its export files.
     *
     * @param node the tree
     * @return the JSON text
     */
    public static String writeIndented(JsonNode node) {
        try {
            return INDENTED.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("The JSON tree could not be written: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * Converts a state to its JSON tree (unknown keys from the {@code extra} maps are written back after
     * the known keys; an extra key that collides with a known key is skipped).
     *
     * @param state the state
     * @return a new object node
     */
    public static ObjectNode toJson(AppState state) {
        ObjectNode root = NODES.objectNode();
        ArrayNode profiles = root.putArray("notify_profiles");
        state.notifyProfiles().forEach(p -> profiles.add(profile(p)));
        ArrayNode runners = root.putArray("runners");
        state.runners().forEach(r -> runners.add(RunnerJson.write(r)));
        ArrayNode groups = root.putArray("runner_groups");
        state.runnerGroups().forEach(g -> groups.add(group(g)));
        ArrayNode layout = root.putArray("runner_layout");
        for (LayoutItem item : state.runnerLayout()) {
            ObjectNode o = layout.addObject();
            o.put("type", item.type().json());
            o.put("id", item.id());
            putExtra(o, item.extra());
        }
        putExtra(root, state.extra());
        return root;
    }

    private static ObjectNode profile(NotifyProfile p) {
        ObjectNode o = NODES.objectNode();
        o.put("id", p.id());
        o.put("name", p.name());
        o.put("type", p.type());
        o.put("active", p.active());
        o.put("failure_count", p.failureCount());
        o.put("sent_count", p.sentCount());
        ObjectNode cfg = o.putObject("config");
        p.config().forEach((k, v) -> cfg.put(k, v == null ? "" : v));
        putExtra(o, p.extra());
        return o;
    }

    private static ObjectNode group(RunnerGroup g) {
        ObjectNode o = NODES.objectNode();
        o.put("id", g.id());
        o.put("name", g.name());
        strings(o.putArray("runner_ids"), g.runnerIds());
        strings(o.putArray("disabled_runner_ids"), g.disabledRunnerIds());
        putExtra(o, g.extra());
        return o;
    }

    private static void strings(ArrayNode array, List<String> values) {
        values.forEach(array::add);
    }

    /** Same node type the parser produces, so a written and re-read tree compares equal. */
    static JsonNode number(long v) {
        return v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE ? NODES.numberNode((int) v) : NODES.numberNode(v);
    }

    // ------------------------------------------------------------------------------ extra values

    /** Signals an extra value nested too deeply (or cyclic) to write. */
    private static final class TooDeep extends RuntimeException {
        private static final long serialVersionUID = 1L;
        static final TooDeep INSTANCE = new TooDeep();

        private TooDeep() {
            super("too deep", null, false, false);
        }
    }

    static void putExtra(ObjectNode target, Map<String, Object> extra) {
        if (extra == null) {
            return;
        }
        for (Map.Entry<String, Object> e : extra.entrySet()) {
            if (e.getKey() == null || target.has(e.getKey())) {
                continue;
            }
            try {
                target.set(e.getKey(), node(e.getValue(), 1));
            } catch (TooDeep tooDeep) {
                // dropped, like the normalizer drops unknown values nested this deep
            }
        }
    }

    private static JsonNode node(Object v, int depth) {
        if (depth > StateNormalizer.MAX_EXTRA_DEPTH) {
            throw TooDeep.INSTANCE;
        }
        if (v == null) {
            return NODES.nullNode();
        }
        if (v instanceof String s) {
            return NODES.textNode(s);
        }
        if (v instanceof Boolean b) {
            return NODES.booleanNode(b);
        }
        if (v instanceof Integer || v instanceof Short || v instanceof Byte) {
            return NODES.numberNode(((Number) v).intValue());
        }
        if (v instanceof Long l) {
            return number(l);
        }
        if (v instanceof BigInteger bi) {
            return NODES.numberNode(bi);
        }
        if (v instanceof BigDecimal bd) {
            return NODES.numberNode(bd);
        }
        if (v instanceof Double d) {
            return NODES.numberNode(d);
        }
        if (v instanceof Float f) {
            return NODES.numberNode(f);
        }
        if (v instanceof Number n) {
            return NODES.numberNode(n.doubleValue());
        }
        if (v instanceof JsonNode n) {
            return copy(n, depth);
        }
        if (v instanceof Map<?, ?> m) {
            ObjectNode o = NODES.objectNode();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                o.set(String.valueOf(e.getKey()), node(e.getValue(), depth + 1));
            }
            return o;
        }
        if (v instanceof Collection<?> c) {
            ArrayNode a = NODES.arrayNode();
            for (Object e : c) {
                a.add(node(e, depth + 1));
            }
            return a;
        }
        if (v instanceof Object[] arr) {
            ArrayNode a = NODES.arrayNode();
            for (Object e : arr) {
                a.add(node(e, depth + 1));
            }
            return a;
        }
        return NODES.textNode(String.valueOf(v));
    }

    private static JsonNode copy(JsonNode n, int depth) {
        if (depth > StateNormalizer.MAX_EXTRA_DEPTH) {
            throw TooDeep.INSTANCE;
        }
        if (n.isObject()) {
            ObjectNode o = NODES.objectNode();
            for (Map.Entry<String, JsonNode> e : n.properties()) {
                o.set(e.getKey(), copy(e.getValue(), depth + 1));
            }
            return o;
        }
        if (n.isArray()) {
            ArrayNode a = NODES.arrayNode();
            for (JsonNode e : n) {
                a.add(copy(e, depth + 1));
            }
            return a;
        }
        return n.isMissingNode() ? NODES.nullNode() : n;
    }
}
