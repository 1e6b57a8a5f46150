package dev.mcr.event;

import java.time.ZoneId;
import java.util.Map;

/**
 * Something that happened in mcr, as published on the event stream.
 *
 * <p>Every event knows its JSON form ({@link #toJson(ZoneId)}), exactly the object the original
 * tool sends on {@code /api/events}, so a server does not re-map it. Listeners registered with
 * {@code Mcr.subscribe} are called on their subscription's own thread, never on a runner thread.
 */
public sealed interface McrEvent
        permits RunnerStatusEvent, OutputLine, CaseMatched, CaseError, GroupStatus,
        NotifyProfileStatus, NotifyProfileAutoDisabled, LeftoverProcessesKilled, StateChanged, ScheduleSkipped,
        AlertChanged {

    /** Returns the JSON {@code type} field, for example {@code "status"} or {@code "output"}. */
    String type();

    /**
     * Returns the JSON object of this event, keys in the original's order; {@code null} values
     * are part of the contract and must be written as JSON {@code null}.
     *
     * @param zone the zone whose offset timestamps are written with
     * @return a fresh mutable map
     */
    Map<String, Object> toJson(ZoneId zone);
}
