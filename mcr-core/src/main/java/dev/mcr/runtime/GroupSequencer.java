package dev.mcr.runtime;

import dev.mcr.bus.EventBus;
import dev.mcr.error.GroupBusyException;
import dev.mcr.error.McrException;
import dev.mcr.event.GroupStatus;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs the members of a group one after another as one-shot runs. Completion is event-driven: each member's run
 * handle completes when its end is accounted, and the next member starts from there, without polling.
 */
public final class GroupSequencer {

    private static final class GroupRun {
        final String groupId;
        final String groupName;
        final List<String> runnerIds;
        final Instant startedTs;
        String currentRunnerId = "";
        int currentIndex;
        String currentRunId;
        int completedCount;
        boolean stopRequested;
        boolean ended;

        GroupRun(String groupId, String groupName, List<String> runnerIds, Instant startedTs) {
            this.groupId = groupId;
            this.groupName = groupName;
            this.runnerIds = List.copyOf(runnerIds);
            this.startedTs = startedTs;
        }
    }

    private final RunnerEngine engine;
    private final EventBus bus;
    private final Clock clock;
    private final Map<String, GroupRun> active = new LinkedHashMap<>();
    private final Map<String, GroupStatus> snapshot = new LinkedHashMap<>();

    /**
     * @param engine the runner engine; this sequencer registers itself as its STOP hook
     * @param bus    where group events go
     * @param clock  time source
     */
    public GroupSequencer(RunnerEngine engine, EventBus bus, Clock clock) {
        this.engine = engine;
        this.bus = bus;
        this.clock = clock;
        engine.setStopCaseHook(this::stopActiveGroupOf);
    }

    /**
     * Starts a sequence.
     *
     * @param groupId   the group
     * @param groupName its name
     * @param members   the active members in order (already resolved against the state, not empty)
     * @throws GroupBusyException when the group runs already or a member is running or scheduled
     */
    public void start(String groupId, String groupName, List<String> members) {
        GroupRun run;
        synchronized (this) {
            if (active.containsKey(groupId)) {
                throw new GroupBusyException(groupId, List.of());
            }
            List<String> busy = new ArrayList<>();
            for (String rid : members) {
                if (engine.isActive(rid)) {
                    busy.add(rid);
                }
            }
            if (!busy.isEmpty()) {
                throw new GroupBusyException(groupId, busy);
            }
            run = new GroupRun(groupId, groupName, members, clock.instant());
            active.put(groupId, run);
            publish(run, "started", null, "");
            advance(run);
        }
    }

    /** Starts the next member; holding the lock while starting ties the run id to the member before it can end. */
    private synchronized void advance(GroupRun run) {
        if (run.ended) {
            return;
        }
        if (run.stopRequested) {
            end(run, "stopped", "");
            return;
        }
        // A heartbeat check runs no command: the sequence passes it by.
        while (run.currentIndex < run.runnerIds.size() && engine.isHeartbeat(run.runnerIds.get(run.currentIndex))) {
            run.currentIndex++;
            run.completedCount = run.currentIndex;
        }
        if (run.currentIndex >= run.runnerIds.size()) {
            end(run, "finished", "");
            return;
        }
        String rid = run.runnerIds.get(run.currentIndex);
        run.currentIndex++;
        run.currentRunnerId = rid;
        run.currentRunId = null;
        publish(run, "running", null, "");
        StartedRun started;
        try {
            started = engine.start(rid, true, "group:" + run.groupId);
        } catch (McrException e) {
            end(run, "error", "Could not start runner " + rid + ": " + e.getMessage());
            return;
        }
        run.currentRunId = started.runId();
        started.outcome().whenComplete((outcome, failure) -> {
            if (outcome != null) {
                onRunEnded(run, outcome);
            }
        });
    }

    private void onRunEnded(GroupRun run, RunOutcome outcome) {
        String runnerId = outcome.runnerId();
        int exitCode = outcome.exitCode();
        boolean stopped = outcome.stopped();
        boolean paused = outcome.paused();
        synchronized (this) {
            if (run.ended || !outcome.runId().equals(run.currentRunId) || run.completedCount >= run.currentIndex) {
                return;
            }
            if (run.stopRequested) {
                end(run, "stopped", "");
                return;
            }
            run.completedCount = run.currentIndex;
            publish(run, "running", null, "");
            if (paused) {
                end(run, "error", "Runner " + runnerId + " paused");
                return;
            }
            if (stopped) {
                end(run, "error", "Runner " + runnerId + " stopped");
                return;
            }
            if (exitCode != 0) {
                end(run, "error", "Runner " + runnerId + " failed (exit=" + exitCode + ")");
                return;
            }
        }
        advance(run);
    }

    /**
     * Stops a group: its active sequence (if any) and every given member.
     *
     * @param groupId   the group
     * @param memberIds members to stop; when empty, the active sequence's members
     * @param groupName the name to report, or {@code null}
     */
    public void stop(String groupId, List<String> memberIds, String groupName) {
        GroupRun run;
        List<String> toStop;
        String label;
        synchronized (this) {
            run = active.get(groupId);
            if (run != null) {
                run.stopRequested = true;
            }
            toStop = !memberIds.isEmpty() ? List.copyOf(memberIds) : run != null ? run.runnerIds : List.of();
            label = groupName != null && !groupName.isEmpty() ? groupName : run != null ? run.groupName : groupId;
            if (run != null) {
                publish(run, "stopping", null, "");
            }
        }
        for (String rid : toStop) {
            engine.stop(rid);
        }
        if (run == null) {
            Instant now = clock.instant();
            GroupStatus st = new GroupStatus(groupId, label, "stopped", toStop, "", 0, 0, null, now, "", now);
            synchronized (this) {
                snapshot.put(groupId, st);
            }
            bus.publish(st);
        }
    }

    /** Stops the first active, not already stopping sequence that contains the runner (STOP cases). */
    private void stopActiveGroupOf(String runnerId) {
        GroupRun target = null;
        synchronized (this) {
            for (GroupRun r : active.values()) {
                if (!r.ended && !r.stopRequested
                        && (runnerId.equals(r.currentRunnerId) || r.runnerIds.contains(runnerId))) {
                    target = r;
                    break;
                }
            }
        }
        if (target != null) {
            stop(target.groupId, target.runnerIds, target.groupName);
        }
    }

    /** Returns the last status of every group that ran, by id. */
    public synchronized Map<String, GroupStatus> snapshot() {
        return new LinkedHashMap<>(snapshot);
    }

    private void end(GroupRun run, String status, String error) {
        run.ended = true;
        publish(run, status, clock.instant(), error);
        active.remove(run.groupId, run);
    }

    private void publish(GroupRun run, String status, Instant finishedTs, String error) {
        GroupStatus st = new GroupStatus(run.groupId, run.groupName, status, run.runnerIds, run.currentRunnerId,
                run.currentIndex, run.completedCount, run.startedTs, finishedTs, error, clock.instant());
        snapshot.put(run.groupId, st);
        bus.publish(st);
    }
}
