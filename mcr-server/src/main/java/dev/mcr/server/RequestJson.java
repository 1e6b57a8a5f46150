package dev.mcr.server;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.util.Arrays;
import java.util.regex.Pattern;

/**
 * Reads JSON request bodies the way the core reads state documents (the same parser settings, so a body the server
 * accepts is one the core accepts), with the original's {@code "Invalid JSON: …"} answers that never echo the input.
 */
final class RequestJson {

    private static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private static final Pattern SOURCE_PREFIX = Pattern.compile("\\[Source: [^;\\]]*; ");
    private static final Pattern CONFIG_HINT = Pattern.compile(",? from `[^`]*`");
    private static final Pattern TOKEN_TEXT = Pattern.compile("^Unrecognized token '.*?':", Pattern.DOTALL);

    private RequestJson() {
    }

    /**
     * Parses a UTF-8 body.
     *
     * @param utf8 the bytes
     * @return the tree
     * @throws HttpError 400 "Invalid JSON: …" with the reason and position
     */
    static JsonNode parse(byte[] utf8) {
        JsonNode node;
        try {
            node = MAPPER.readTree(utf8);
        } catch (JsonProcessingException e) {
            throw invalid(e);
        } catch (IOException e) {
            throw new HttpError(400, "Invalid JSON: the content could not be read.");
        }
        if (node == null || node.isMissingNode()) {
            throw new HttpError(400, "Invalid JSON: there is no content.");
        }
        return node;
    }

    /**
     * Returns the exact bytes of a top-level field's value when it is an object or a list, so that the core reads
     * the same text the client sent (nothing is lost or changed by writing a tree again). Like the tree, the last
     * of duplicate keys wins.
     *
     * @param utf8  a body that {@link #parse} accepted and that is a JSON object
     * @param field the field's name
     * @return the value's bytes, or {@code null} when the field is absent or neither an object nor a list
     */
    static byte[] fieldBytes(byte[] utf8, String field) {
        try (JsonParser p = MAPPER.createParser(utf8)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            byte[] found = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                boolean wanted = field.equals(p.currentName());
                JsonToken value = p.nextToken();
                boolean container = value == JsonToken.START_OBJECT || value == JsonToken.START_ARRAY;
                long start = p.currentTokenLocation().getByteOffset();
                p.skipChildren();
                if (wanted) {
                    found = container
                            ? Arrays.copyOfRange(utf8, (int) start, (int) p.currentLocation().getByteOffset())
                            : null;
                }
            }
            return found;
        } catch (IOException e) {
            throw new HttpError(400, "Invalid JSON: the content could not be read.");
        }
    }

    private static HttpError invalid(JsonProcessingException e) {
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
        return new HttpError(400, sb.toString());
    }
}
