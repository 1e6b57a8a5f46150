package dev.mcr.runtime;

import dev.mcr.model.CaseState;
import dev.mcr.model.Runner;
import dev.mcr.store.AlertState;
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
 * <p>Beyond the original, a person may acknowledge the current DOWN or WARN ({@link #acknowledge}): its escalation
 * repeats stop until the state changes, which ends the acknowledgement. A snooze ({@link #snooze}) does not change
 * the decisions: the engine asks {@link #alertState()} and mutes what was decided. Both are what {@link
 * #alertState()} returns, to be stored; {@link #restore} takes them back after a restart, with the acknowledged state
 * as the remembered one so that the acknowledgement holds.
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
    private String ackedBy;
    private Instant ackedAt;
    private Instant snoozedUntil;
    /** Outcomes of the last runs under an N-of-M rule (true = failed), oldest first, and whether it holds DOWN. */
    private final java.util.ArrayDeque<Boolean> recentRuns = new java.util.ArrayDeque<>();
    private boolean countedDown;
    /** A DOWN's escalation to a second service: when it is due, what it sends, and whether this DOWN had it. */
    private Instant escalationDue;
    private String escalationMessage;
    private boolean escalated;

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
            ackedBy = null;
            ackedAt = null;
            escalationDue = null;
            escalationMessage = null;
            escalated = false;
            lastNotified = now;
            if ((previous == CaseState.DOWN || previous == CaseState.WARN) && state == CaseState.UP) {
                return Optional.of(RECOVERY_PREFIX + message);
            }
            return Optional.of(message);
        }
        if ((state == CaseState.DOWN || state == CaseState.WARN) && ackedBy == null) {
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

    /**
     * Counts a run under an N-of-M rule: DOWN holds from the run that makes at least N of the last M runs failures
     * until the run that makes at least N of the last M runs successes.
     *
     * @param failed whether the run failed
     * @param rule   the runner's rule
     * @return {@code DOWN} while the rule holds the runner down, {@code UP} for the run that ends it, empty otherwise
     */
    public synchronized Optional<CaseState> countRun(boolean failed, Runner.DownAfter rule) {
        recentRuns.addLast(failed);
        while (recentRuns.size() > rule.ofRuns()) {
            recentRuns.removeFirst();
        }
        long failures = recentRuns.stream().filter(f -> f).count();
        long successes = recentRuns.size() - failures;
        if (!countedDown && failures >= rule.failures()) {
            countedDown = true;
        } else if (countedDown && successes >= rule.failures()) {
            countedDown = false;
            return Optional.of(CaseState.UP);
        }
        return countedDown ? Optional.of(CaseState.DOWN) : Optional.empty();
    }

    /**
     * Takes back an N-of-M rule's count after a restart by counting the runs from before it again, oldest first. When
     * the rule held DOWN, that DOWN becomes the remembered state (it was sent before the restart): the next failing
     * run repeats it only after the cooldown, and the run that ends it sends the recovery.
     *
     * @param failedOldestFirst whether each counted run failed, oldest first
     * @param rule              the rule
     */
    public synchronized void restoreCountedRuns(java.util.List<Boolean> failedOldestFirst, Runner.DownAfter rule) {
        for (boolean failed : failedOldestFirst) {
            countRun(failed, rule);
        }
        if (countedDown && lastState == null) {
            lastState = CaseState.DOWN;
            lastNotified = clock.instant();
        }
    }

    /**
     * Acknowledges the remembered DOWN or WARN.
     *
     * @param by who acknowledges
     * @param at when
     * @return the state that was acknowledged, or empty when the remembered state is neither DOWN nor WARN
     */
    public synchronized Optional<CaseState> acknowledge(String by, Instant at) {
        Objects.requireNonNull(by, "by");
        Objects.requireNonNull(at, "at");
        if (lastState != CaseState.DOWN && lastState != CaseState.WARN) {
            return Optional.empty();
        }
        ackedBy = by;
        ackedAt = at;
        escalationDue = null;
        escalationMessage = null;
        return Optional.of(lastState);
    }

    /**
     * Sets the escalation of the remembered DOWN when it has none yet: due {@code after} from now, unless the DOWN is
     * acknowledged or was escalated already.
     *
     * @param after   how long the DOWN may stay unacknowledged
     * @param message the DOWN's message, sent with the escalation
     * @return the due time when one was set now
     */
    public synchronized Optional<Instant> armEscalation(Duration after, String message) {
        if (lastState != CaseState.DOWN || ackedBy != null || escalated || escalationDue != null) {
            return Optional.empty();
        }
        escalationDue = clock.instant().plus(after);
        escalationMessage = message;
        return Optional.of(escalationDue);
    }

    /** Drops a pending escalation (the runner no longer has one configured). */
    public synchronized void disarmEscalation() {
        escalationDue = null;
        escalationMessage = null;
    }

    /** Returns when the pending escalation is due, or {@code null}. */
    public synchronized Instant escalationDue() {
        return escalationDue;
    }

    /**
     * Takes the escalation when it is due: once per DOWN, never after an acknowledgement or another state.
     *
     * @return the DOWN's message to escalate, or empty when nothing is due
     */
    public synchronized Optional<String> takeEscalation() {
        if (escalationDue == null || clock.instant().isBefore(escalationDue) || lastState != CaseState.DOWN
                || ackedBy != null) {
            return Optional.empty();
        }
        String message = escalationMessage;
        escalationDue = null;
        escalationMessage = null;
        escalated = true;
        return Optional.of(message == null ? "" : message);
    }

    /**
     * Mutes the runner's notifications until a time.
     *
     * @param until the end of the snooze, or {@code null} to end it
     */
    public synchronized void snooze(Instant until) {
        snoozedUntil = until;
    }

    /**
     * Returns what a person decided, to be stored and shown.
     *
     * @param runnerId the runner this policy belongs to
     * @return the acknowledgement (with the state it is of) and the end of the snooze
     */
    public synchronized AlertState alertState(String runnerId) {
        boolean acked = ackedBy != null;
        return new AlertState(runnerId, acked ? ackedBy : null, acked ? ackedAt : null,
                acked ? lastState.name() : null, snoozedUntil, escalationDue, escalationMessage,
                escalated && lastState == CaseState.DOWN);
    }

    /**
     * Takes back a stored state after a restart: an acknowledged DOWN or WARN becomes the remembered state (sent when
     * it was acknowledged, so its repeats stay quiet), and the snooze goes on until its end.
     *
     * @param stored the stored state
     */
    public synchronized void restore(AlertState stored) {
        snoozedUntil = stored.snoozedUntil();
        if (stored.escalationDue() != null && lastState == null) {
            // A DOWN waiting for its escalation: sent before the restart, so its repeats pace on from then.
            lastState = CaseState.DOWN;
            lastNotified = clock.instant();
            escalationDue = stored.escalationDue();
            escalationMessage = stored.escalationMessage();
        }
        if (stored.escalated() && lastState == null) {
            // A DOWN sent to the escalation service before the restart: it holds, and is not escalated again.
            lastState = CaseState.DOWN;
            lastNotified = clock.instant();
            escalated = true;
        }
        if (stored.acknowledged() && lastState == null) {
            CaseState state = parse(stored.ackedState());
            if (state == CaseState.DOWN || state == CaseState.WARN) {
                lastState = state;
                lastNotified = stored.ackedAt();
                ackedBy = stored.ackedBy();
                ackedAt = stored.ackedAt();
            }
        }
    }

    private static CaseState parse(String name) {
        for (CaseState s : CaseState.values()) {
            if (s.name().equals(name)) {
                return s;
            }
        }
        return null;
    }
}
