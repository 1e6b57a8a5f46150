package dev.mcr.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashMap;
import java.util.Map;

/**
 * Internal: "absent means keep" (SPEC §13) as a deep merge of what a client sent onto what is stored, before the
 * result is normalized.
 *
 * <ul>
 *   <li>Objects merge key by key: a key the client did not send keeps its stored value, a key it sent (even with
 *       {@code null}) takes the sent value, merged again when both values are objects.</li>
 *   <li>A list of objects the client sent is its new membership and order, and each object in it that has the
 *       {@code id} of a stored object of the same list is merged onto that object (the cases of a runner).</li>
 *   <li>Any other value the client sent replaces the stored one.</li>
 * </ul>
 */
public final class JsonMerge {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private JsonMerge() {
    }

    /**
     * Merges a sent value onto a stored one; neither is changed.
     *
     * @param stored the stored value, may be {@code null}
     * @param sent   the sent value, may be {@code null} (then the stored value is kept)
     * @return a new tree
     */
    public static JsonNode merge(JsonNode stored, JsonNode sent) {
        if (sent == null || sent.isMissingNode()) {
            return stored == null ? null : stored.deepCopy();
        }
        if (stored instanceof ObjectNode s && sent instanceof ObjectNode n) {
            ObjectNode out = NODES.objectNode();
            s.properties().forEach(e -> out.set(e.getKey(), n.has(e.getKey())
                    ? merge(e.getValue(), n.get(e.getKey())) : e.getValue().deepCopy()));
            n.properties().forEach(e -> {
                if (!s.has(e.getKey())) {
                    out.set(e.getKey(), e.getValue().deepCopy());
                }
            });
            return out;
        }
        if (stored instanceof ArrayNode s && sent instanceof ArrayNode n) {
            Map<String, JsonNode> byId = new HashMap<>();
            for (JsonNode e : s) {
                String id = id(e);
                if (id != null) {
                    byId.putIfAbsent(id, e);
                }
            }
            ArrayNode out = NODES.arrayNode();
            for (JsonNode e : n) {
                String id = id(e);
                JsonNode old = id == null ? null : byId.get(id);
                out.add(old == null ? e.deepCopy() : merge(old, e));
            }
            return out;
        }
        return sent.deepCopy();
    }

    /** The id of a list element that is an object with a textual or integral id, trimmed like the normalizer does. */
    private static String id(JsonNode e) {
        if (!(e instanceof ObjectNode)) {
            return null;
        }
        JsonNode id = e.get("id");
        if (id == null) {
            return null;
        }
        if (id.isTextual()) {
            return id.textValue().strip();
        }
        return id.isIntegralNumber() ? id.asText() : null;
    }
}
