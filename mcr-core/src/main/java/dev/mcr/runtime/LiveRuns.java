package dev.mcr.runtime;

import dev.mcr.error.McrException;
import dev.mcr.event.LeftoverProcessesKilled;
import dev.mcr.event.McrEvent;
import dev.mcr.process.LeftoverProcesses;
import dev.mcr.store.LiveRun;
import dev.mcr.store.RuntimeStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Crash recovery of runs: records live runs in the store, tagged with this JVM so that another instance can tell
 * whether it lives, and at start-up kills the processes of runs that an earlier, killed instance left behind.
 *
 * <p>A start is written at once (it must survive a crash); ends are only collected and written with the next start,
 * or a second later, so that a run costs one transaction instead of two.
 */
public final class LiveRuns implements RunRegistry {

    private static final Logger LOG = LoggerFactory.getLogger(LiveRuns.class);
    private static final Duration LEFTOVER_KILL_WAIT = Duration.ofSeconds(3);
    private static final Duration OWNER_START_TOLERANCE = Duration.ofSeconds(2);
    private static final Duration ENDED_RUNS_FLUSH_DELAY = Duration.ofSeconds(1);
    private static final ProcessHandle SELF = ProcessHandle.current();
    private static final Instant SELF_STARTED = SELF.info().startInstant().orElse(null);

    private final RuntimeStore store;
    private final ScheduledExecutorService scheduler;
    private final Clock clock;
    private final Object lock = new Object();
    private final List<String> ended = new ArrayList<>();
    private boolean flushScheduled;

    /**
     * @param store     where live runs are recorded
     * @param scheduler runs the delayed write of ended runs
     * @param clock     the clock of the records and reports
     */
    public LiveRuns(RuntimeStore store, ScheduledExecutorService scheduler, Clock clock) {
        this.store = store;
        this.scheduler = scheduler;
        this.clock = clock;
    }

    /**
     * Finds processes of runs that an earlier instance on this data folder started and never saw end (it was
     * killed), kills them, logs and publishes what was killed, and forgets those runs. Runs whose instance is
     * still alive (another process using the same folder) are left alone.
     *
     * @param publish where the reports go as events
     * @return one report per runner, in the order they were made
     */
    public List<LeftoverProcessesKilled> killLeftovers(Consumer<? super McrEvent> publish) {
        List<LiveRun> recorded;
        try {
            recorded = store.liveRuns();
        } catch (McrException ex) {
            LOG.error("Could not read the runs recorded as started; processes left behind by an earlier instance "
                    + "are not looked for.", ex);
            return List.of();
        }
        List<LiveRun> orphaned = recorded.stream().filter(r -> !ownerAlive(r)).toList();
        if (orphaned.isEmpty()) {
            return List.of();
        }
        Map<String, List<Long>> killed = LeftoverProcesses.kill(RunnerEngine.RUN_ID_ENV,
                orphaned.stream().map(LiveRun::runId).toList(), LEFTOVER_KILL_WAIT);
        Map<String, List<Long>> byRunner = new LinkedHashMap<>();
        for (LiveRun r : orphaned) {
            List<Long> pids = killed.get(r.runId());
            if (pids != null && !pids.isEmpty()) {
                byRunner.computeIfAbsent(r.runnerId(), k -> new ArrayList<>()).addAll(pids);
            }
        }
        List<LeftoverProcessesKilled> report = new ArrayList<>();
        Instant now = clock.instant();
        byRunner.forEach((runnerId, pids) -> {
            LOG.warn("Killed {} process(es) of runner '{}' left running by an earlier mcr instance that ended "
                    + "without stopping them: pids {}.", pids.size(), runnerId, pids);
            LeftoverProcessesKilled event = new LeftoverProcessesKilled(runnerId, pids, now);
            report.add(event);
            publish.accept(event);
        });
        try {
            store.removeLiveRuns(orphaned.stream().map(LiveRun::runId).toList());
        } catch (McrException ex) {
            LOG.warn("Could not forget the runs of an earlier instance; they are looked for again at the next "
                    + "start: {}", ex.getMessage());
        }
        return List.copyOf(report);
    }

    /** Whether the JVM that recorded a run still runs (the same pid started at the same time). */
    private static boolean ownerAlive(LiveRun run) {
        Optional<ProcessHandle> owner = ProcessHandle.of(run.ownerPid()).filter(ProcessHandle::isAlive);
        if (owner.isEmpty()) {
            return false;
        }
        Optional<Instant> started = owner.get().info().startInstant();
        if (run.ownerStarted() == null || started.isEmpty()) {
            return true;
        }
        // Start times are derived from the boot time, which may be reported a little differently over time.
        return Duration.between(run.ownerStarted(), started.get()).abs().compareTo(OWNER_START_TOLERANCE) <= 0;
    }

    @Override
    public void starting(String runId, String runnerId) {
        List<String> done = takeEnded();
        try {
            store.recordLiveRun(new LiveRun(runId, runnerId, null, SELF.pid(), SELF_STARTED, clock.instant()), done);
        } catch (RuntimeException e) {
            giveBack(done);
            throw e;
        }
    }

    @Override
    public void ended(String runId) {
        synchronized (lock) {
            ended.add(runId);
            if (flushScheduled) {
                return;
            }
            flushScheduled = true;
        }
        try {
            scheduler.schedule(this::flush, ENDED_RUNS_FLUSH_DELAY.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            flush();
        }
    }

    /** Writes the collected ends now (also at close). */
    public void flush() {
        List<String> done;
        synchronized (lock) {
            flushScheduled = false;
            done = takeEnded();
        }
        if (done.isEmpty()) {
            return;
        }
        try {
            store.removeLiveRuns(done);
        } catch (RuntimeException e) {
            LOG.warn("Could not record that {} run(s) ended; the next start looks for their processes in vain: {}",
                    done.size(), e.getMessage());
        }
    }

    private List<String> takeEnded() {
        synchronized (lock) {
            List<String> done = List.copyOf(ended);
            ended.clear();
            return done;
        }
    }

    private void giveBack(List<String> done) {
        synchronized (lock) {
            ended.addAll(done);
        }
    }
}
