package dev.mcr.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/** Writes compact JSON like Starlette's {@code JSONResponse} (no spaces, non-ASCII kept as UTF-8). */
final class Json {
    private static final ObjectMapper MAPPER = JsonMapper.builder().build();

    private Json() {
    }

    /**
     * Writes a value of plain Java types (maps, lists, strings, numbers, booleans, {@code null}) or Jackson nodes.
     *
     * @param value the value
     * @return UTF-8 JSON
     */
    static byte[] write(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A value could not be written as JSON: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * Writes a value like {@link #write(Object)}, as text.
     *
     * @param value the value
     * @return the JSON text
     */
    static String writeString(Object value) {
        return new String(write(value), java.nio.charset.StandardCharsets.UTF_8);
    }
}
