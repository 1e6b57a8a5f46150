package dev.mcr.runtime;

import dev.mcr.model.CaseState;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Decides whether and what a runner notifies for a case match (SPEC §4; the original's
 * {@code _resolve_stateful_notification}). One instance per runner; its memory is the runner's last alert
 * state and the time of the last notification it allowed.
 *
 * <ul>
 *   <li>{@link CaseState#NONE} and {@link CaseState#STOP}: always sent as is; the memory is untouched.</li>
 *   <li>A state different from the remembered one: remembered with the current time and sent; from
 *       {@code DOWN} or {@code WARN} to {@code UP} the text is {@code "RECOVERY: <message>"}.</li>
 *   <li>The same {@code UP} or {@code INFO} again: not sent.</li>
 *   <li>The same {@code DOWN} or {@code WARN} again: sent as {@code "ESCALATION (<STATE>): <message>"} only when
 *       at least the cooldown has passed since the last send and the escalation is 0 or has passed too; the
 *       time then restarts.</li>
 * </ul>
 * Like the original, the memory is kept across stop and start (create a new instance to forget it, e.g. when a
 * runner is deleted) and is consulted even when the runner has no notification targets.
 *
 * <p>Thread-safe.
 */
final class AlertPolicy {

    /** Prefix of the message when a runner goes from DOWN or WARN to UP. */
    public static final String RECOVERY_PREFIX = "RECOVERY: ";
    /** Prefix of a repeated DOWN or WARN message, followed by the state, {@code "): "} and the message. */
    public static final String ESCALATION_PREFIX = "ESCALATION (";

    private final Clock clock;
    private CaseState lastState;
    private Instant lastNotified = Instant.EPOCH;

    /**
     * Creates a policy with no memory.
     *
     * @param clock the wall clock (the original uses {@code time.time()})
     */
    public AlertPolicy(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Decides for one match.
     *
     * @param state       the case's state
     * @param message     the rendered message
     * @param cooldown    the runner's {@code alert_cooldown_s}; negative counts as 0
     * @param escalation  the runner's {@code alert_escalation_s}; negative counts as 0, 0 means no extra wait
     * @return the text to send (possibly prefixed), or empty when nothing is to be sent
     */
    public synchronized Optional<String> decide(CaseState state, String message, Duration cooldown,
                                                Duration escalation) {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(message, "message");
        if (state == CaseState.NONE || state == CaseState.STOP) {
            return Optional.of(message);
        }
        Instant now = clock.instant();
        if (state != lastState) {
            CaseState previous = lastState;
            lastState = state;
            lastNotified = now;
            if ((previous == CaseState.DOWN || previous == CaseState.WARN) && state == CaseState.UP) {
                return Optional.of(RECOVERY_PREFIX + message);
            }
            return Optional.of(message);
        }
        if (state == CaseState.DOWN || state == CaseState.WARN) {
            Duration elapsed = Duration.between(lastNotified, now);
            if (!cooldown.isNegative() && elapsed.compareTo(cooldown) < 0) {
                return Optional.empty();
            }
            if (escalation.isNegative() || escalation.isZero() || elapsed.compareTo(escalation) >= 0) {
                lastNotified = now;
                return Optional.of(ESCALATION_PREFIX + state.name() + "): " + message);
            }
        }
        return Optional.empty();
    }
}
