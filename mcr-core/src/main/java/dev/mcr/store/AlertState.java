package dev.mcr.store;

import java.time.Instant;
import java.util.Objects;

/**
 * What a person decided about a runner's alerts, kept so that it survives a restart: the acknowledgement of its
 * current DOWN or WARN (no escalation repeats until the state changes) and the end of a snooze (no notification
 * until then).
 *
 * @param runnerId     the runner
 * @param ackedBy      who acknowledged, or {@code null} when nothing is acknowledged
 * @param ackedAt      when, or {@code null}
 * @param ackedState   the state that was acknowledged ({@code DOWN} or {@code WARN}), or {@code null}
 * @param snoozedUntil when the snooze ends, or {@code null} when the runner is not snoozed
 * @param escalationDue when its unacknowledged DOWN is sent to the escalation service, or {@code null}
 * @param escalationMessage the DOWN message that escalation sends, or {@code null}
 * @param escalated     whether the current DOWN was sent to the escalation service already (once per DOWN, also
 *                      across a restart)
 */
public record AlertState(String runnerId, String ackedBy, Instant ackedAt, String ackedState, Instant snoozedUntil,
                         Instant escalationDue, String escalationMessage, boolean escalated) {

    /** Checks that the runner is named and that an acknowledgement is complete or absent. */
    public AlertState {
        Objects.requireNonNull(runnerId, "runnerId");
        if ((ackedBy == null) != (ackedAt == null) || (ackedBy == null) != (ackedState == null)) {
            throw new IllegalArgumentException("An acknowledgement needs who, when and the state, or none of them.");
        }
    }

    /** Returns whether the current state is acknowledged. */
    public boolean acknowledged() {
        return ackedBy != null;
    }

    /**
     * Returns whether notifications are muted at {@code now}.
     *
     * @param now the current time
     * @return whether a snooze runs past {@code now}
     */
    public boolean snoozedAt(Instant now) {
        return snoozedUntil != null && snoozedUntil.isAfter(now);
    }

    /**
     * Returns whether this state says anything at {@code now} (an acknowledgement or a running snooze); one that does
     * not need not be kept.
     *
     * @param now the current time
     * @return whether it is worth keeping
     */
    public boolean mattersAt(Instant now) {
        return acknowledged() || snoozedAt(now) || escalationDue != null || escalated;
    }

    /**
     * A state whose DOWN was not escalated yet.
     *
     * @param runnerId          the runner
     * @param ackedBy           who acknowledged, or {@code null}
     * @param ackedAt           when, or {@code null}
     * @param ackedState        the acknowledged state, or {@code null}
     * @param snoozedUntil      the end of the snooze, or {@code null}
     * @param escalationDue     when the escalation is due, or {@code null}
     * @param escalationMessage the message it sends, or {@code null}
     */
    public AlertState(String runnerId, String ackedBy, Instant ackedAt, String ackedState, Instant snoozedUntil,
                      Instant escalationDue, String escalationMessage) {
        this(runnerId, ackedBy, ackedAt, ackedState, snoozedUntil, escalationDue, escalationMessage, false);
    }

    /**
     * A state without a pending escalation.
     *
     * @param runnerId     the runner
     * @param ackedBy      who acknowledged, or {@code null}
     * @param ackedAt      when, or {@code null}
     * @param ackedState   the acknowledged state, or {@code null}
     * @param snoozedUntil the end of the snooze, or {@code null}
     */
    public AlertState(String runnerId, String ackedBy, Instant ackedAt, String ackedState, Instant snoozedUntil) {
        this(runnerId, ackedBy, ackedAt, ackedState, snoozedUntil, null, null);
    }

    /**
     * Returns this state as it holds at {@code now}: a snooze that ended is left out.
     *
     * @param now the current time
     * @return this, or a copy without the snooze
     */
    public AlertState at(Instant now) {
        return snoozedUntil == null || snoozedAt(now) ? this
                : new AlertState(runnerId, ackedBy, ackedAt, ackedState, null, escalationDue, escalationMessage, escalated);
    }
}
