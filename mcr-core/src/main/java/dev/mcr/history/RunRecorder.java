package dev.mcr.history;

import dev.mcr.error.McrException;
import dev.mcr.event.CaseMatched;
import dev.mcr.event.GroupStatus;
import dev.mcr.event.McrEvent;
import dev.mcr.event.OutputLine;
import dev.mcr.event.RunFinished;
import dev.mcr.event.RunStarted;
import dev.mcr.files.RunOutputs;
import dev.mcr.model.CaseState;
import dev.mcr.store.LiveRun;
import dev.mcr.store.RunRecord;
import dev.mcr.store.RunRetention;
import dev.mcr.store.RunStore;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a record and the output of every run by observing the run events synchronously on the event bus (an
 * observer, not a subscription: a subscriber's queue may drop events, the history must not). A run's record is
 * written when its {@code started} event is published and completed with its {@code finished} event; its output
 * lines go to its own file (see {@link RunOutputs}).
 *
 * <p>It observes on the threads that publish (a start on the starting thread, lines and the end on the run's reader
 * thread, in that order) and appends the output there, but the store's writes run on its own thread
 * ({@code mcr-history}), in order, so that a run never waits for the database: recording adds no transaction to a
 * run's start or end. A run that started and whose record was not yet written when the server was killed is still
 * found: the live-run record the engine writes before every spawn names it (see {@link #recover}). Readers call
 * {@link #sync()} first and see every write published before. A failed write is logged and never stops a run.
 */
public final class RunRecorder implements Consumer<List<? extends McrEvent>>, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RunRecorder.class);
    private static final byte[] CUT_NOTE = "[mcr: the rest of this run's output is not kept: it exceeds the history's "
            .getBytes(StandardCharsets.UTF_8);

    private final RunStore store;
    private final RunOutputs outputs;
    private final RunRetention retention;
    private final Clock clock;
    private final String node;
    private final UnaryOperator<String> runnerNames;
    private final Predicate<String> cronRunners;
    private final Map<String, OpenRun> open = new ConcurrentHashMap<>();
    /** Runs that ended before their start was written: the end writes the whole record in one transaction. */
    private final java.util.Set<String> endedUnwritten = ConcurrentHashMap.newKeySet();
    /** Runner id to the group whose sequence is starting it right now. */
    private final Map<String, String> groupStarts = new ConcurrentHashMap<>();
    private final List<Consumer<RunRecord>> listeners = new CopyOnWriteArrayList<>();
    private final ExecutorService writer = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "mcr-history");
        t.setDaemon(true);
        return t;
    });

    /**
     * @param store       where records go
     * @param outputs     where output goes
     * @param retention   what is kept
     * @param clock       the clock retention is measured with
     * @param node        this server's name
     * @param runnerNames runner id to its name now
     * @param cronRunners whether a runner's schedule is a cron schedule now (its scheduled runs are {@code cron})
     */
    public RunRecorder(RunStore store, RunOutputs outputs, RunRetention retention, Clock clock, String node,
                       UnaryOperator<String> runnerNames, Predicate<String> cronRunners) {
        this.store = store;
        this.outputs = outputs;
        this.retention = retention;
        this.clock = clock;
        this.node = node;
        this.runnerNames = runnerNames;
        this.cronRunners = cronRunners;
    }

    /**
     * Adds a listener called with each completed record, on the run's thread, after it is stored; it must be quick.
     *
     * @param listener the listener
     */
    public void onRecorded(Consumer<RunRecord> listener) {
        listeners.add(listener);
    }

    /**
     * Returns what started a run that has not ended yet.
     *
     * @param runId the run
     * @return its trigger, or {@code null} when the run is unknown or ended
     */
    public String triggerOf(String runId) {
        OpenRun run = runId == null ? null : open.get(runId);
        return run == null ? null : run.started.trigger();
    }

    /**
     * At start-up, before any run: closes the records of runs that never ended as lost (their server was killed),
     * with the size of the output they left, and applies the retention. A run the killed server recorded as live
     * but whose record it had not yet written gets one, closed as lost.
     *
     * @param recordedLive the runs recorded as live when this instance started (before leftovers were killed)
     * @param stillLive    those of them another live server on the same data folder still runs
     * @return the records closed
     */
    public List<RunRecord> recover(Collection<LiveRun> recordedLive, Collection<String> stillLive) {
        List<RunRecord> lost = List.of();
        try {
            for (LiveRun live : recordedLive) {
                if (!stillLive.contains(live.runId()) && store.find(live.runId()).isEmpty()) {
                    String name = runnerNames.apply(live.runnerId());
                    store.started(RunRecord.started(live.runId(), live.runnerId(), name == null ? live.runnerId()
                            : name, null, RunRecord.MANUAL, null, node, live.startedAt(), 1));
                }
            }
            lost = store.closeLost(stillLive, clock.instant());
            for (RunRecord r : lost) {
                long[] found = outputs.count(r.runId());
                store.outputFound(r.runId(), found[0], found[1]);
            }
            if (!lost.isEmpty()) {
                LOG.warn("{} run(s) were still running when mcr last ended without stopping them; their records are "
                        + "closed as lost.", lost.size());
            }
            outputs.delete(store.prune(retention, clock.instant()));
        } catch (McrException e) {
            LOG.error("Could not close the records of runs an earlier instance left open.", e);
        }
        return lost;
    }

    /** Records what was published at once; the output of a burst is written through to its file at its end. */
    @Override
    public void accept(List<? extends McrEvent> events) {
        OpenRun written = null;
        for (McrEvent event : events) {
            if (event instanceof OutputLine line) {
                OpenRun run = line.runId() == null ? null : open.get(line.runId());
                if (run != null) {
                    if (written != null && written != run) {
                        written.flush();
                    }
                    run.line(line.text());
                    written = run;
                }
            } else if (event != null) {
                accept(event);
            }
        }
        if (written != null) {
            written.flush();
        }
    }

    private void accept(McrEvent event) {
        if (event instanceof CaseMatched match) {
            OpenRun run = match.runId() == null ? null : open.get(match.runId());
            if (run != null) {
                run.caseMatched(match.message(), match.state());
            }
        } else if (event instanceof RunStarted started) {
            started(started);
        } else if (event instanceof RunFinished finished) {
            finished(finished);
        } else if (event instanceof GroupStatus group) {
            group(group);
        }
    }

    /**
     * What started a run. The group sequence publishes its {@code running} status naming the member before it
     * starts it; a manual start begins a session (run 1), the schedule's starts count on from there (a resumed
     * session included).
     */
    static String trigger(RunStarted started, String groupId, boolean cron) {
        if (groupId != null || started.actor() != null && started.actor().startsWith("group:")) {
            return RunRecord.GROUP;
        }
        if (started.attempt() > 1) {
            return RunRecord.RETRY;
        }
        if (RunStarted.HEARTBEAT.equals(started.actor()) || RunStarted.MISSED.equals(started.actor())) {
            return started.actor();
        }
        if (RunStarted.SCHEDULE.equals(started.actor())) {
            return cron ? RunRecord.CRON : RunRecord.SCHEDULE;
        }
        // An embedder's start names no actor; the engine names the schedule's own starts.
        return started.actor() == null && started.runCount() > 1 ? RunRecord.SCHEDULE : RunRecord.MANUAL;
    }

    private void group(GroupStatus g) {
        boolean starting = "running".equals(g.status()) && g.currentIndex() > g.completedCount()
                && g.currentRunnerId() != null && !g.currentRunnerId().isEmpty();
        if (starting) {
            groupStarts.put(g.currentRunnerId(), g.groupId());
        } else if (!"running".equals(g.status())) {
            groupStarts.values().removeIf(g.groupId()::equals);
        }
    }

    private void started(RunStarted s) {
        if (s.runId() == null) {
            return;
        }
        String groupId = groupStarts.remove(s.runnerId());
        String name = runnerNames.apply(s.runnerId());
        RunRecord record = RunRecord.started(s.runId(), s.runnerId(), name == null ? s.runnerId() : name, groupId,
                trigger(s, groupId, cronRunners.test(s.runnerId())), s.actor(), node, s.ts(), Math.max(1, s.attempt()));
        write(() -> {
            if (endedUnwritten.contains(record.runId())) {
                return;
            }
            try {
                store.started(record);
            } catch (McrException e) {
                LOG.error("Could not record the start of run {} of runner '{}'.", s.runId(), s.runnerId(), e);
            }
        });
        OutputStream out = null;
        try {
            out = outputs.create(s.runId());
        } catch (IOException | RuntimeException e) {
            LOG.error("Could not create the output file of run {}; its output is not kept.", s.runId(), e);
        }
        open.put(s.runId(), new OpenRun(record, out, retention.maxOutputBytes()));
    }

    private void finished(RunFinished f) {
        OpenRun run = f.runId() == null ? null : open.remove(f.runId());
        if (run == null) {
            return;
        }
        RunRecord done = run.end(f);
        endedUnwritten.add(done.runId());
        write(() -> {
            endedUnwritten.remove(done.runId());
            try {
                outputs.delete(store.ended(done, retention, clock.instant()));
            } catch (McrException e) {
                LOG.error("Could not record the end of run {} of runner '{}'.", done.runId(), done.runnerId(), e);
                return;
            }
            for (Consumer<RunRecord> l : listeners) {
                try {
                    l.accept(done);
                } catch (RuntimeException e) {
                    LOG.warn("A run record listener failed.", e);
                }
            }
        });
    }

    private void write(Runnable work) {
        try {
            writer.execute(work);
        } catch (RejectedExecutionException e) {
            // Closed: the store may be closed too; the run is found at the next start by its live-run record.
            LOG.warn("The run history is closed; a record was not written.");
        }
    }

    /**
     * Waits until every write asked for before this call is done, so that a read sees it.
     */
    public void sync() {
        try {
            writer.submit(() -> { }).get();
        } catch (RejectedExecutionException e) {
            // Closed: every write is done.
        } catch (ExecutionException e) {
            throw new IllegalStateException("The run history's writer failed.", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Finishes the writes asked for (at most 10 s) and stops the writer; idempotent. */
    @Override
    public void close() {
        writer.shutdown();
        try {
            if (!writer.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.warn("The run history did not finish writing within 10 s; the rest is found at the next start.");
                writer.shutdownNow();
            }
        } catch (InterruptedException e) {
            writer.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    /** What is known of a run while it runs; its lines arrive on one thread, the monitor is for visibility. */
    private static final class OpenRun {
        private final RunRecord started;
        private final long maxBytes;
        private OutputStream out;
        private long lines;
        private long bytes;
        private long written;
        private String lastCase;
        private CaseState lastState;
        private CaseState worstState;

        OpenRun(RunRecord started, OutputStream out, long maxBytes) {
            this.started = started;
            this.out = out;
            this.maxBytes = maxBytes;
        }

        synchronized void line(String text) {
            byte[] b = text.getBytes(StandardCharsets.UTF_8);
            lines++;
            bytes += b.length;
            if (out == null) {
                return;
            }
            try {
                if (written + b.length > maxBytes) {
                    out.write(CUT_NOTE);
                    out.write((maxBytes + " bytes.]\n").getBytes(StandardCharsets.US_ASCII));
                    close();
                    return;
                }
                out.write(b);
                written += b.length;
            } catch (IOException e) {
                writeFailed(e);
            }
        }

        synchronized void flush() {
            if (out == null) {
                return;
            }
            try {
                out.flush();
            } catch (IOException e) {
                writeFailed(e);
            }
        }

        private void writeFailed(IOException e) {
            LOG.error("Writing the output of run {} failed; the rest of it is not kept.", started.runId(), e);
            close();
        }

        synchronized void caseMatched(String message, CaseState state) {
            lastCase = message;
            lastState = state;
            if (RunRecord.severity(state) > RunRecord.severity(worstState)) {
                worstState = state;
            }
        }

        synchronized RunRecord end(RunFinished f) {
            close();
            return started.ended(f.ts(), f.exitCode(), f.stopped(), f.timedOut(), lastCase, lastState, worstState, lines,
                    bytes);
        }

        private void close() {
            if (out == null) {
                return;
            }
            try {
                out.close();
            } catch (IOException e) {
                LOG.error("Closing the output of run {} failed.", started.runId(), e);
            }
            out = null;
        }
    }
}
