package dev.mcr;

import java.util.Map;

/**
 * The outcome of a test send: {@code {ok:true, result}} or {@code {ok:false, error}}.
 *
 * @param ok     whether the message was delivered
 * @param result the channel's response when delivered, otherwise empty
 * @param error  why it was not delivered, or {@code null}
 */
public record TestSendResult(boolean ok, Map<String, Object> result, String error) {
    /**
     * Copies the result map.
     *
     * @param ok     whether the message was delivered
     * @param result the channel's response when delivered; {@code null} means empty
     * @param error  why it was not delivered, or {@code null}
     */
    public TestSendResult {
        result = result == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(result));
    }
}
