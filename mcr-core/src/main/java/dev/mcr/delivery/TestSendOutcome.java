package dev.mcr.delivery;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The outcome of a test send as the dispatcher reports it; the facade hands it out as {@code dev.mcr.TestSendResult}.
 *
 * @param ok     whether the message was delivered
 * @param result the channel's response when delivered, otherwise empty
 * @param error  why it was not delivered, or {@code null}
 */
public record TestSendOutcome(boolean ok, Map<String, Object> result, String error) {
    /**
     * Copies the result map.
     *
     * @param ok     whether the message was delivered
     * @param result the channel's response when delivered; {@code null} means empty
     * @param error  why it was not delivered, or {@code null}
     */
    public TestSendOutcome {
        result = result == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(result));
    }
}
