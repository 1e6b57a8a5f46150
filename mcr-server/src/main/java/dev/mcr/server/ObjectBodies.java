package dev.mcr.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcr.model.Ids;
import dev.mcr.store.ConfigKind;
import java.util.Map;
import java.util.Set;

/**
 * The shape checks of the versioned routes' bodies: a client that sends one object at a time is told precisely what
 * is wrong (400 and a sentence naming the field), instead of having a wrong type silently turned into a default as
 * the original's whole-state save does. What is checked is the JSON type of each known key, and that every id
 * matches {@code ^[A-Za-z0-9_-]{1,120}$}; values of the right type are normalized by the core as everywhere (a
 * {@code max_runs} of 500 becomes 100, an unknown case state becomes {@code ""}). Keys this version does not know
 * are kept as they are; {@code null} is refused for the known ones (leave a key out to keep its stored value).
 */
final class ObjectBodies {

    private enum Type { STRING, BOOLEAN, WHOLE, OBJECT, ID_LIST, CASES, CONFIG }

    private static final Map<String, Type> RUNNER = Map.ofEntries(
            Map.entry("name", Type.STRING), Map.entry("command", Type.STRING),
            Map.entry("logging_enabled", Type.BOOLEAN), Map.entry("schedule", Type.OBJECT),
            Map.entry("max_runs", Type.WHOLE), Map.entry("alert_cooldown_s", Type.WHOLE),
            Map.entry("alert_escalation_s", Type.WHOLE), Map.entry("failure_pause_threshold", Type.WHOLE),
            Map.entry("cases", Type.CASES), Map.entry("notify_profile_ids", Type.ID_LIST),
            Map.entry("notify_profile_updates_only", Type.ID_LIST));
    private static final Map<String, Type> SCHEDULE = Map.of("hours", Type.WHOLE, "minutes", Type.WHOLE,
            "seconds", Type.WHOLE);
    private static final Map<String, Type> CASE = Map.of("pattern", Type.STRING, "message_template", Type.STRING,
            "state", Type.STRING);
    private static final Map<String, Type> GROUP = Map.of("name", Type.STRING, "runner_ids", Type.ID_LIST,
            "disabled_runner_ids", Type.ID_LIST);
    private static final Map<String, Type> PROFILE = Map.of("name", Type.STRING, "type", Type.STRING,
            "active", Type.BOOLEAN, "failure_count", Type.WHOLE, "sent_count", Type.WHOLE, "config", Type.CONFIG);
    private static final Set<String> LAYOUT_TYPES = Set.of("runner", "group");
    /** Whole numbers beyond this are no sensible setting (and lose precision as a double). */
    private static final double MAX_WHOLE = 9_007_199_254_740_991d;

    private ObjectBodies() {
    }

    /**
     * Checks the body of a create or a change of a runner, group or profile.
     *
     * @param kind the kind
     * @param body the parsed body
     * @throws HttpError 400 naming the first field of the wrong type, or the body when it is no JSON object
     */
    static void check(ConfigKind kind, JsonNode body) {
        if (!body.isObject()) {
            throw new HttpError(400, "The " + kind.json() + " must be a JSON object.");
        }
        JsonNode id = body.get("id");
        if (id != null && !(id.isTextual() && Ids.isValid(id.textValue().strip()))) {
            throw new HttpError(400, "Field 'id' must be a string matching ^[A-Za-z0-9_-]{1,120}$.");
        }
        switch (kind) {
            case RUNNER -> fields(body, RUNNER, "");
            case GROUP -> fields(body, GROUP, "");
            case PROFILE -> fields(body, PROFILE, "");
            default -> throw new IllegalArgumentException("No object route for " + kind.json() + ".");
        }
    }

    /**
     * Checks the items of a layout: objects with a {@code type} of {@code runner} or {@code group} and a valid
     * {@code id}.
     *
     * @param items the {@code runner_layout} array
     * @throws HttpError 400 naming the first wrong item
     */
    static void checkLayout(JsonNode items) {
        for (int i = 0; i < items.size(); i++) {
            JsonNode item = items.get(i);
            String at = "runner_layout[" + i + "]";
            if (!item.isObject()) {
                throw new HttpError(400, "Field '" + at + "' must be an object with 'type' and 'id'.");
            }
            JsonNode type = item.get("type");
            if (type == null || !type.isTextual() || !LAYOUT_TYPES.contains(type.textValue().strip())) {
                throw new HttpError(400, "Field '" + at + ".type' must be \"runner\" or \"group\".");
            }
            id(item.get("id"), at + ".id");
        }
    }

    private static void fields(JsonNode object, Map<String, Type> types, String prefix) {
        for (Map.Entry<String, Type> e : types.entrySet()) {
            JsonNode v = object.get(e.getKey());
            if (v != null) {
                value(v, e.getValue(), prefix + e.getKey());
            }
        }
    }

    private static void value(JsonNode v, Type type, String field) {
        switch (type) {
            case STRING -> require(v.isTextual(), field, "a string");
            case BOOLEAN -> require(v.isBoolean(), field, "true or false");
            case WHOLE -> require(isWhole(v), field, "a whole number");
            case OBJECT -> {
                require(v.isObject(), field, "an object");
                fields(v, SCHEDULE, field + ".");
            }
            case CONFIG -> {
                require(v.isObject(), field, "an object");
                v.properties().forEach(e -> require(e.getValue().isTextual(), field + "." + e.getKey(), "a string"));
            }
            case ID_LIST -> {
                require(v.isArray(), field, "a list of ids");
                for (int i = 0; i < v.size(); i++) {
                    id(v.get(i), field + "[" + i + "]");
                }
            }
            case CASES -> {
                require(v.isArray(), field, "a list of cases");
                for (int i = 0; i < v.size(); i++) {
                    JsonNode c = v.get(i);
                    String at = field + "[" + i + "]";
                    require(c.isObject(), at, "an object");
                    if (c.get("id") != null) {
                        id(c.get("id"), at + ".id");
                    }
                    fields(c, CASE, at + ".");
                }
            }
        }
    }

    private static void id(JsonNode v, String field) {
        if (v == null || !v.isTextual() || !Ids.isValid(v.textValue().strip())) {
            throw new HttpError(400, "Field '" + field + "' must be an id matching ^[A-Za-z0-9_-]{1,120}$.");
        }
    }

    private static boolean isWhole(JsonNode v) {
        if (v.isIntegralNumber()) {
            return v.canConvertToLong();
        }
        if (v.isFloatingPointNumber()) {
            double d = v.doubleValue();
            return Double.isFinite(d) && d == Math.rint(d) && Math.abs(d) <= MAX_WHOLE;
        }
        return false;
    }

    private static void require(boolean ok, String field, String what) {
        if (!ok) {
            throw new HttpError(400, "Field '" + field + "' must be " + what + ".");
        }
    }
}
