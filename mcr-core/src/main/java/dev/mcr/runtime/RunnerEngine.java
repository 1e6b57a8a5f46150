package dev.mcr.runtime;

import dev.mcr.bus.EventBus;
import dev.mcr.error.ClosedException;
import dev.mcr.error.InvalidInputException;
import dev.mcr.error.McrException;
import dev.mcr.error.RunnerBusyException;
import dev.mcr.error.RunnerNotFoundException;
import dev.mcr.event.CaseError;
import dev.mcr.event.CaseMatched;
import dev.mcr.event.McrEvent;
import dev.mcr.event.OutputLine;
import dev.mcr.event.RunFinished;
import dev.mcr.event.RunPaused;
import dev.mcr.event.RunScheduled;
import dev.mcr.event.RunStarted;
import dev.mcr.event.RunStopped;
import dev.mcr.event.RunStopping;
import dev.mcr.files.RunLogBlock;
import dev.mcr.files.RunLogs;
import dev.mcr.model.AppState;
import dev.mcr.model.CaseState;
import dev.mcr.model.Runner;
import dev.mcr.process.LeftoverProcesses;
import dev.mcr.process.LineReader;
import dev.mcr.process.ShellProcess;
import dev.mcr.store.LastCase;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs runners: manual and scheduled starts, output handling, cases, failure accounting,
 * auto-pause, stop, live configuration refresh and purge of deleted runners.
 *
 * <p>Each run has its own thread {@code mcr-runner-<id>} that reads the output; stops escalate
 * on {@code mcr-stop-<id>} threads; scheduled starts come from the shared scheduler. Events are
 * published on the {@link EventBus} and never block a runner.
 */
public final class RunnerEngine implements AutoCloseable {

    /** Output lines joined into a status {@code tail}. */
    static final int TAIL_LINES = 200;
    /**
     * Bound of the output kept per run, in characters, besides the line count: 5000 lines of
     * 64 KiB would otherwise pin 300 MiB per runner.
     */
    static final long MAX_OUTPUT_CHARS = 2L * 1024 * 1024;
    /** Environment variable holding the id of the run, set for every spawned command. */
    public static final String RUN_ID_ENV = "MCR_RUN_ID";
    /** Environment variable holding the runner id, set for every spawned command. */
    public static final String RUNNER_ID_ENV = "MCR_RUNNER_ID";

    private static final Logger LOG = LoggerFactory.getLogger(RunnerEngine.class);
    private static final Duration ESCAPED_KILL_WAIT = Duration.ofSeconds(2);
    /** Most events of one run held back before they are handed on, so a long burst reaches subscribers in pieces. */
    private static final int MAX_PENDING_EVENTS = 256;
    private static final String IDLE_READER_NAME = "mcr-runner-idle";
    /** Longest command the kernel execs as one argument: MAX_ARG_STRLEN (32 pages) less its terminating NUL. */
    static final int MAX_COMMAND_BYTES = 32 * 4096 - 1;

    /** Called after every run ended and its follow-up (pause, schedule) was decided. */
    @FunctionalInterface
    public interface RunEndListener {
        /**
         * @param runnerId the runner
         * @param runId    the run, as returned by {@link RunnerEngine#start}
         * @param exitCode its exit code
         * @param stopped  whether the user stopped it
         * @param paused   whether it was paused after this run
         */
        void onRunEnded(String runnerId, long runId, int exitCode, boolean stopped, boolean paused);
    }

    private final Clock clock;
    private final ZoneId zone;
    private final List<String> shell;
    private final Set<String> hiddenEnvironment;
    private final int maxOutputLines;
    private final long statusSaveIntervalMillis;
    private final EventBus bus;
    private final ScheduledExecutorService scheduler;
    private final RunLogs logs;
    private final RunNotifier notifier;
    private final LastCaseStore lastCaseStore;
    private final RunRegistry runRegistry;
    private final Map<String, RunnerRuntime> runtimes = new ConcurrentHashMap<>();
    private final Map<String, LastCase> restoredLastCases;
    private final Object lastCaseLock = new Object();
    private long lastCaseWriteMillis = Long.MIN_VALUE / 2;
    private ScheduledFuture<?> pendingLastCaseFlush;
    private volatile RunEndListener runEndListener = (id, run, code, stopped, paused) -> { };
    private final AtomicLong runIds = new AtomicLong();
    /**
     * Run markers are this engine's random prefix plus a counter: unique across instances like a random UUID
     * per run, without a SecureRandom call on every start.
     */
    private final String markerPrefix = UUID.randomUUID() + "-";
    private final AtomicLong runMarkers = new AtomicLong();
    /** Whether a last case changed since the last cases were written; guarded by lastCaseLock. */
    private boolean lastCasesDirty;
    private volatile Consumer<String> stopCaseHook = id -> { };
    private volatile boolean closed;
    /** Threads that read runs' output and watch their processes' exit, kept a while between runs. */
    private final ExecutorService readerThreads = new ThreadPoolExecutor(0,
            Integer.MAX_VALUE, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
                Thread t = new Thread(r, IDLE_READER_NAME);
                t.setDaemon(true);
                return t;
            });

    /**
     * @param settings      clock, shell and limits
     * @param bus           where events go
     * @param scheduler     the scheduler of delayed starts (not shut down by {@link #close()})
     * @param logs          run log files
     * @param notifier      where alerts go
     * @param lastCaseStore persistence of last case messages
     */
    public RunnerEngine(EngineSettings settings, EventBus bus, ScheduledExecutorService scheduler, RunLogs logs,
                        RunNotifier notifier, LastCaseStore lastCaseStore) {
        this(settings, bus, scheduler, logs, notifier, lastCaseStore, RunRegistry.NONE);
    }

    /**
     * @param settings      clock, shell and limits
     * @param bus           where events go
     * @param scheduler     the scheduler of delayed starts (not shut down by {@link #close()})
     * @param logs          run log files
     * @param notifier      where alerts go
     * @param lastCaseStore persistence of last case messages
     * @param runRegistry   durable record of live runs (told before each spawn and after each end)
     */
    public RunnerEngine(EngineSettings settings, EventBus bus, ScheduledExecutorService scheduler, RunLogs logs,
                        RunNotifier notifier, LastCaseStore lastCaseStore, RunRegistry runRegistry) {
        this.runRegistry = Objects.requireNonNull(runRegistry, "runRegistry");
        this.clock = settings.clock();
        this.zone = settings.clock().getZone();
        this.shell = settings.shell();
        this.hiddenEnvironment = settings.hiddenEnvironment();
        this.maxOutputLines = settings.maxOutputLines();
        this.statusSaveIntervalMillis = settings.runtimeStatusSaveInterval().toMillis();
        this.bus = bus;
        this.scheduler = scheduler;
        this.logs = logs;
        this.notifier = notifier;
        this.lastCaseStore = lastCaseStore;
        Map<String, LastCase> restored;
        try {
            restored = new LinkedHashMap<>(lastCaseStore.load());
        } catch (RuntimeException e) {
            LOG.error("Could not load the persisted last case messages; starting without them.", e);
            restored = new LinkedHashMap<>();
        }
        this.restoredLastCases = restored;
    }

    /** Sets the listener told about every ended run (the group sequencer). */
    public void setRunEndListener(RunEndListener listener) {
        this.runEndListener = listener;
    }

    /** Sets the hook called when a {@code STOP} case matches (stops the runner's active group). */
    public void setStopCaseHook(Consumer<String> hook) {
        this.stopCaseHook = hook;
    }

    /**
     * Applies a saved state: runners get their new settings (also while running or scheduled),
     * runners that disappeared are purged (pending starts cancelled, processes killed).
     *
     * @param state the normalized state
     */
    public void refresh(AppState state) {
        Set<String> ids = new HashSet<>();
        for (Runner r : state.runners()) {
            ids.add(r.id());
            RunnerRuntime rt = runtimes.computeIfAbsent(r.id(), id -> newRuntime(r));
            synchronized (rt) {
                if (rt.config != r) {
                    rt.config = r;
                    if (rt.running() || rt.scheduled()) {
                        rt.matcher = compileMatcher(rt, r);
                    } else {
                        rt.matcher = null;
                    }
                }
            }
        }
        boolean purgedAny = false;
        for (RunnerRuntime rt : List.copyOf(runtimes.values())) {
            if (!ids.contains(rt.id)) {
                purge(rt);
                purgedAny = true;
            }
        }
        if (purgedAny) {
            flushLastCases();
        }
    }

    private RunnerRuntime newRuntime(Runner r) {
        RunnerRuntime rt = new RunnerRuntime(r.id(), r, new AlertPolicy(clock));
        LastCase lc = restoredLastCases.get(r.id());
        if (lc != null) {
            rt.lastCase = lc.message() == null ? "" : lc.message();
            rt.lastCaseTs = lc.ts();
        }
        return rt;
    }

    private void purge(RunnerRuntime rt) {
        ShellProcess proc;
        String marker;
        synchronized (rt) {
            rt.purged = true;
            cancelTimer(rt);
            proc = rt.process;
            marker = rt.runMarker;
            runtimes.remove(rt.id, rt);
        }
        if (proc != null) {
            terminateAsync(rt.id, proc, marker);
        }
    }

    /**
     * Starts a runner.
     *
     * @param runnerId the runner
     * @param oneShot  run once whatever its schedule (group members)
     * @return the id of the run, passed again to the {@link RunEndListener} when it ends
     * @throws RunnerNotFoundException when the runner is unknown
     * @throws RunnerBusyException     when it has a live process
     * @throws InvalidInputException   when its command is longer than the system can run (128 KiB)
     * @throws ClosedException         when the engine is shutting down
     * @throws McrException            when the process cannot be spawned (counters are restored)
     */
    public long start(String runnerId, boolean oneShot) {
        RunnerRuntime rt = runtimes.get(runnerId);
        if (rt == null) {
            throw new RunnerNotFoundException(runnerId);
        }
        synchronized (rt) {
            if (closed) {
                throw new ClosedException("mcr is shutting down; runners cannot be started.");
            }
            if (rt.purged) {
                throw new RunnerNotFoundException(runnerId);
            }
            if (rt.process != null) {
                throw new RunnerBusyException(runnerId);
            }
            requireRunnableLength(rt.config);
            cancelTimer(rt);
            Integer prevRemaining = rt.remaining;
            int prevRunCount = rt.runCount;
            int prevFailures = rt.consecutiveFailures;
            boolean prevStopped = rt.stopped;
            boolean prevPaused = rt.paused;
            boolean prevOneShot = rt.oneShot;

            rt.oneShot = oneShot;
            rt.clearOutput();
            rt.lastLine = "";
            rt.stopped = false;
            rt.paused = false;
            int maxRuns = oneShot ? 1 : rt.config.timing().maxRuns();
            rt.remaining = maxRuns == Runner.Timing.UNLIMITED_RUNS ? null : maxRuns - 1;
            rt.runCount = 1;
            rt.consecutiveFailures = 0;
            rt.matcher = compileMatcher(rt, rt.config);
            try {
                spawn(rt);
            } catch (IOException | RuntimeException e) {
                rt.remaining = prevRemaining;
                rt.runCount = prevRunCount;
                rt.consecutiveFailures = prevFailures;
                rt.stopped = prevStopped;
                rt.paused = prevPaused;
                rt.oneShot = prevOneShot;
                throw new McrException("Runner '" + displayName(rt.config) + "' could not be started: "
                        + e.getMessage(), e);
            }
            Instant now = rt.startedTs;
            rt.activeTs = now;
            bus.publish(new RunStarted(rt.id, now, now, rt.runCount, rt.remaining));
            readerThreads.execute(rt.runReader);
            return rt.runId;
        }
    }

    /**
     * Linux refuses to exec an argument longer than 128 KiB ({@code E2BIG}, "Argument list too long"): such a
     * command is the caller's input error, not a failure of the machine, and is refused before anything runs.
     */
    private static void requireRunnableLength(Runner r) {
        String command = r.execution().command();
        if (command.length() > MAX_COMMAND_BYTES / 3) {
            int bytes = command.getBytes(StandardCharsets.UTF_8).length;
            if (bytes > MAX_COMMAND_BYTES) {
                throw new InvalidInputException("Runner '" + displayName(r) + "' cannot be started: its "
                        + "command is " + bytes + " bytes long, and the system runs at most " + MAX_COMMAND_BYTES
                        + " bytes in one command. Put a long script in a file and run the file.");
            }
        }
    }

    private void scheduledStart(RunnerRuntime rt) {
        synchronized (rt) {
            rt.timer = null;
            if (closed || rt.purged || rt.stopped || rt.paused) {
                return;
            }
            if (rt.remaining != null) {
                if (rt.remaining <= 0) {
                    return;
                }
                rt.remaining = rt.remaining - 1;
            }
            rt.runCount++;
            if (rt.process != null) {
                return;
            }
            rt.clearOutput();
            rt.lastLine = "";
            rt.stopped = false;
            if (rt.matcher == null) {
                rt.matcher = compileMatcher(rt, rt.config);
            }
            try {
                spawn(rt);
            } catch (IOException | RuntimeException e) {
                if (rt.remaining != null) {
                    rt.remaining = rt.remaining + 1;
                }
                rt.runCount--;
                LOG.error("Scheduled start of runner '{}' failed.", displayName(rt.config), e);
                bus.publish(new CaseError(rt.id, "__schedule__", "Scheduled start failed: " + e.getMessage()));
                // A start that failed (no process slot, a shell missing for a moment) is a failed run: the
                // runner tries again at its next due time, and the failure threshold pauses it if it persists.
                rt.consecutiveFailures++;
                int threshold = rt.config.alerting().failurePauseThreshold();
                if (threshold > 0 && rt.consecutiveFailures >= threshold) {
                    rt.paused = true;
                    rt.stopped = true;
                    rt.activeTs = null;
                    bus.publish(new RunPaused(rt.id, RunPaused.AUTO_PAUSE_FAILURES, rt.consecutiveFailures, threshold,
                            clock.instant()));
                } else if (!scheduleNext(rt, clock.instant())) {
                    rt.activeTs = null;
                }
                return;
            }
            if (rt.activeTs == null) {
                rt.activeTs = rt.startedTs;
            }
            bus.publish(new RunStarted(rt.id, rt.startedTs, rt.activeTs, rt.runCount, rt.remaining));
            readerThreads.execute(rt.runReader);
        }
    }

    /**
     * Spawns the process and prepares (does not start) its reader thread; caller holds the monitor. The run is
     * recorded in the registry before the spawn, so a crash at any later moment leaves a trace of it.
     */
    private void spawn(RunnerRuntime rt) throws IOException {
        Runner startCfg = rt.config;
        String marker = markerPrefix + runMarkers.incrementAndGet();
        Map<String, String> env = Map.of(RUN_ID_ENV, marker, RUNNER_ID_ENV, rt.id);
        try {
            runRegistry.starting(marker, rt.id);
        } catch (RuntimeException e) {
            LOG.error("Could not record the start of a run of runner '{}'; if mcr is killed while it runs, its "
                    + "processes will not be found at the next start.", rt.id, e);
        }
        ShellProcess proc;
        try {
            proc = ShellProcess.start(shell, startCfg.execution().command(), env, null, hiddenEnvironment);
        } catch (IOException | RuntimeException e) {
            forgetRun(rt.id, marker);
            throw e;
        }
        long runId = runIds.incrementAndGet();
        rt.runId = runId;
        rt.process = proc;
        rt.runMarker = marker;
        rt.startedTs = clock.instant();
        rt.runReader = new RunReader("mcr-runner-" + rt.id, () -> runLoop(rt, proc, startCfg, runId, marker));
    }

    /**
     * A run's reader. It runs on a pooled thread, named {@code mcr-runner-<id>} while it reads: creating a
     * thread for every run cost as much as a tenth of a short run.
     */
    static final class RunReader implements Runnable {
        private final String name;
        private final Runnable body;
        private final CountDownLatch done = new CountDownLatch(1);

        RunReader(String name, Runnable body) {
            this.name = name;
            this.body = body;
        }

        @Override
        public void run() {
            Thread me = Thread.currentThread();
            me.setName(name);
            try {
                body.run();
            } finally {
                me.setName(IDLE_READER_NAME);
                done.countDown();
            }
        }

        boolean await(long millis) throws InterruptedException {
            return done.await(millis, TimeUnit.MILLISECONDS);
        }
    }

    private CaseMatcher compileMatcher(RunnerRuntime rt, Runner r) {
        return CaseMatcher.compile(r.cases(), (rule, error) ->
                emit(rt, new CaseError(r.id(), CaseMatcher.stripLikePython(rule.pattern()), error)));
    }

    /** Publishes an event of a runner; on its reader thread, in order with the run's pending output. */
    private void emit(RunnerRuntime rt, McrEvent event) {
        RunEvents pending = rt.pendingEvents;
        if (pending != null) {
            pending.add(event);
        } else {
            bus.publish(event);
        }
    }

    /**
     * The events of one run collected on its reader thread and handed to the bus together: once per burst of
     * output (before the reader may wait) instead of once per line, which woke every subscriber for every line.
     */
    final class RunEvents {
        private final Thread owner = Thread.currentThread();
        private final List<McrEvent> events = new ArrayList<>();

        void add(McrEvent event) {
            if (Thread.currentThread() != owner) {
                bus.publish(event);
                return;
            }
            events.add(event);
            if (events.size() >= MAX_PENDING_EVENTS) {
                flush();
            }
        }

        void flush() {
            if (Thread.currentThread() == owner && !events.isEmpty()) {
                bus.publishAll(events);
                events.clear();
            }
        }
    }

    private void forgetRun(String runnerId, String marker) {
        try {
            runRegistry.ended(marker);
        } catch (RuntimeException e) {
            LOG.warn("Could not record the end of a run of runner '{}': {}", runnerId, e.getMessage());
        }
    }

    private void runLoop(RunnerRuntime rt, ShellProcess proc, Runner startCfg, long runId, String marker) {
        int exit;
        RunEvents pending = new RunEvents();
        rt.pendingEvents = pending;
        try {
            exit = proc.pump(line -> onLine(rt, line), pending::flush, LineReader.DEFAULT_MAX_LINE_BYTES, readerThreads);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            proc.kill();
            exit = -1;
        } catch (Exception | Error e) {
            LOG.error("Reading the output of runner '{}' failed; its process group is killed.", rt.id, e);
            proc.kill();
            exit = -1;
        } finally {
            rt.pendingEvents = null;
            pending.flush();
        }
        forgetRun(rt.id, marker);
        try {
            finish(rt, proc, startCfg, runId, exit);
        } catch (RuntimeException e) {
            LOG.error("Finishing a run of runner '{}' failed.", rt.id, e);
        }
    }

    private void onLine(RunnerRuntime rt, String line) {
        String trimmed = CaseMatcher.stripLikePython(line);
        CaseMatcher matcher;
        synchronized (rt) {
            if (rt.purged) {
                return;
            }
            rt.appendOutput(line, maxOutputLines, MAX_OUTPUT_CHARS);
            if (!trimmed.isEmpty()) {
                rt.lastLine = trimmed;
            }
            matcher = rt.matcher;
        }
        emit(rt, new OutputLine(rt.id, line));
        if (matcher != null) {
            for (CaseHit hit : matcher.match(line)) {
                onCase(rt, hit.pattern(), hit.message(), hit.state(), false);
            }
        }
    }

    private void onCase(RunnerRuntime rt, String pattern, String message, CaseState state, boolean lastLineCase) {
        Instant now = clock.instant();
        Runner cfg;
        synchronized (rt) {
            if (rt.purged) {
                return;
            }
            rt.lastCase = message;
            rt.lastCaseTs = now;
            cfg = rt.config;
        }
        if (lastLineCase) {
            flushLastCases();
        } else {
            lastCaseChanged();
        }
        emit(rt, new CaseMatched(rt.id, pattern, message, lastLineCase ? null : state, now));
        if (state == CaseState.STOP) {
            // The group's events must follow the lines and the match that stopped it.
            RunEvents pending = rt.pendingEvents;
            if (pending != null) {
                pending.flush();
            }
            try {
                stopCaseHook.accept(rt.id);
            } catch (RuntimeException e) {
                bus.publish(new CaseError(rt.id, pattern, "STOP group trigger failed: " + e.getMessage()));
            }
        }
        String send;
        String title;
        if (lastLineCase) {
            send = message;
            title = displayName(cfg) + " (last line)";
        } else {
            send = rt.alerts.decide(state, message, cfg.alerting().cooldown(), cfg.alerting().escalation()).orElse(null);
            title = displayName(cfg);
        }
        if (send != null && !cfg.targets().profileIds().isEmpty()) {
            notifier.notify(cfg, pattern, title, send);
        }
    }

    private void finish(RunnerRuntime rt, ShellProcess proc, Runner startCfg, long runId, int exit) {
        Instant finishedTs = clock.instant();
        String output;
        boolean stopped;
        String lastLine;
        Runner cfg;
        synchronized (rt) {
            if (rt.process == proc) {
                rt.process = null;
                rt.runMarker = null;
                rt.runReader = null;
            }
            if (rt.purged) {
                return;
            }
            rt.startedTs = null;
            rt.lastExitCode = exit;
            rt.lastFinishTs = finishedTs;
            output = rt.joinedOutput();
            stopped = rt.stopped;
            lastLine = rt.lastLine;
            cfg = rt.config;
        }
        if (cfg.execution().loggingEnabled()) {
            try {
                logs.append(rt.id, new RunLogBlock(finishedTs, zone, displayName(cfg), startCfg.execution().command(), exit,
                        stopped, output));
            } catch (RuntimeException e) {
                LOG.error("Could not append to the log of runner '{}'.", rt.id, e);
            }
        }
        if (cfg.cases().stream().anyMatch(c -> c.isLastLineCase())) {
            onCase(rt, CaseMatched.ON_FINISH, lastLine.isEmpty() ? "(no output)" : lastLine, CaseState.NONE, true);
        }
        // Before "finished" is published: whoever sees it may rely on last_case being stored (a crash
        // right after must not lose it). Most runs change no case: they write nothing.
        flushLastCasesIfChanged();
        boolean pauseNow = false;
        int failures;
        int threshold = cfg.alerting().failurePauseThreshold();
        synchronized (rt) {
            if (!stopped) {
                if (exit == 0) {
                    rt.consecutiveFailures = 0;
                } else {
                    rt.consecutiveFailures++;
                    if (threshold > 0 && rt.consecutiveFailures >= threshold) {
                        rt.paused = true;
                        rt.stopped = true;
                        cancelTimer(rt);
                        pauseNow = true;
                    }
                }
            }
            failures = rt.consecutiveFailures;
            bus.publish(new RunFinished(rt.id, exit, stopped, failures, finishedTs));
            if (pauseNow) {
                rt.activeTs = null;
                bus.publish(new RunPaused(rt.id, RunPaused.AUTO_PAUSE_FAILURES, failures, threshold, clock.instant()));
            } else if (rt.process == null && !scheduleNext(rt, finishedTs)) {
                rt.activeTs = null;
            }
        }
        try {
            runEndListener.onRunEnded(rt.id, runId, exit, stopped, pauseNow);
        } catch (RuntimeException e) {
            LOG.error("A run-end listener failed for runner '{}'.", rt.id, e);
        }
    }

    /**
     * Schedules the next run, one interval after {@code from} (the finish), if due; caller holds the monitor.
     * Measured from the recorded finish, so the time its bookkeeping took does not shift the schedule.
     */
    private boolean scheduleNext(RunnerRuntime rt, Instant from) {
        long interval = rt.oneShot ? 0 : ((dev.mcr.model.Schedule.FixedDelay) rt.config.timing().schedule()).intervalSeconds();
        if (closed || interval <= 0 || rt.stopped || rt.paused || rt.timer != null
                || (rt.remaining != null && rt.remaining <= 0)) {
            return false;
        }
        long delayMillis = Math.max(0, TimeUnit.SECONDS.toMillis(interval) - Duration.between(from, clock.instant()).toMillis());
        rt.timer = scheduler.schedule(() -> scheduledStart(rt), delayMillis, TimeUnit.MILLISECONDS);
        bus.publish(new RunScheduled(rt.id, interval, clock.instant()));
        return true;
    }

    private static void cancelTimer(RunnerRuntime rt) {
        if (rt.timer != null) {
            rt.timer.cancel(false);
            rt.timer = null;
        }
    }

    /**
     * Stops a runner: cancels its pending start and stops its process group in the background.
     * Unknown ids are accepted (the events are still published), like the original.
     *
     * @param runnerId the runner
     */
    public void stop(String runnerId) {
        RunnerRuntime rt = runtimes.get(runnerId);
        Instant now = clock.instant();
        if (rt == null) {
            bus.publish(new RunStopping(runnerId, now));
            bus.publish(new RunStopped(runnerId, now));
            return;
        }
        ShellProcess proc;
        String marker;
        synchronized (rt) {
            cancelTimer(rt);
            rt.stopped = true;
            rt.paused = false;
            rt.runCount = 0;
            proc = rt.process;
            marker = rt.runMarker;
            bus.publish(new RunStopping(rt.id, now));
            if (proc == null) {
                rt.startedTs = null;
                rt.activeTs = null;
                bus.publish(new RunStopped(rt.id, now));
                return;
            }
        }
        terminateAsync(rt.id, proc, marker);
    }

    /**
     * Stops the process tree, then kills what still carries the run's marker: a daemon that double-forked into
     * its own session is neither in the process group nor a descendant any more.
     */
    private Thread terminateAsync(String runnerId, ShellProcess proc, String marker) {
        Thread t = new Thread(() -> {
            proc.terminate(ShellProcess.DEFAULT_INT_GRACE, ShellProcess.DEFAULT_TERM_GRACE);
            if (marker != null) {
                Map<String, List<Long>> escaped = LeftoverProcesses.kill(RUN_ID_ENV, List.of(marker),
                        ESCAPED_KILL_WAIT);
                if (!escaped.isEmpty()) {
                    LOG.info("Killed processes {} of runner '{}' that had left the run's process tree.",
                            escaped.get(marker), runnerId);
                }
            }
        }, "mcr-stop-" + runnerId);
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** Returns whether the runner is running or scheduled. */
    public boolean isActive(String runnerId) {
        RunnerRuntime rt = runtimes.get(runnerId);
        if (rt == null) {
            return false;
        }
        synchronized (rt) {
            return rt.running() || rt.scheduled();
        }
    }

    /** Returns the status of one runner, or {@code null} when unknown. */
    public StatusSnapshot status(String runnerId) {
        RunnerRuntime rt = runtimes.get(runnerId);
        if (rt == null) {
            return null;
        }
        synchronized (rt) {
            return rt.status();
        }
    }

    /** Returns the status of every known runner, by id. */
    public Map<String, StatusSnapshot> status() {
        Map<String, StatusSnapshot> out = new LinkedHashMap<>();
        for (RunnerRuntime rt : runtimes.values()) {
            synchronized (rt) {
                out.put(rt.id, rt.status());
            }
        }
        return out;
    }

    private void lastCaseChanged() {
        synchronized (lastCaseLock) {
            lastCasesDirty = true;
            if (pendingLastCaseFlush != null || closed) {
                return;
            }
            long due = lastCaseWriteMillis + statusSaveIntervalMillis - clock.millis();
            if (due <= 0) {
                writeLastCases();
                return;
            }
            pendingLastCaseFlush = scheduler.schedule(this::flushLastCases, due, TimeUnit.MILLISECONDS);
        }
    }

    /** Writes the last cases now (end of a run, purge, close). */
    void flushLastCases() {
        synchronized (lastCaseLock) {
            if (pendingLastCaseFlush != null) {
                pendingLastCaseFlush.cancel(false);
                pendingLastCaseFlush = null;
            }
            writeLastCases();
        }
    }

    private void flushLastCasesIfChanged() {
        synchronized (lastCaseLock) {
            if (lastCasesDirty) {
                flushLastCases();
            }
        }
    }

    private void writeLastCases() {
        lastCasesDirty = false;
        Map<String, LastCase> all = new LinkedHashMap<>();
        for (RunnerRuntime rt : runtimes.values()) {
            synchronized (rt) {
                if (!rt.lastCase.isEmpty() || rt.lastCaseTs != null) {
                    all.put(rt.id, new LastCase(rt.lastCase, rt.lastCaseTs));
                }
            }
        }
        try {
            lastCaseStore.save(all);
            lastCaseWriteMillis = clock.millis();
        } catch (RuntimeException e) {
            lastCasesDirty = true;
            LOG.error("Could not persist the last case messages.", e);
        }
    }

    /**
     * Stops scheduling, stops every process group (SIGINT, SIGTERM, SIGKILL), waits for the runs
     * to finish their bookkeeping and persists the last cases. Idempotent.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        List<Thread> stoppers = new ArrayList<>();
        List<RunReader> readers = new ArrayList<>();
        for (RunnerRuntime rt : runtimes.values()) {
            synchronized (rt) {
                cancelTimer(rt);
                if (rt.process != null) {
                    rt.stopped = true;
                    stoppers.add(terminateAsync(rt.id, rt.process, rt.runMarker));
                    if (rt.runReader != null) {
                        readers.add(rt.runReader);
                    }
                }
            }
        }
        boolean interrupted = false;
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        try {
            for (Thread t : stoppers) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            }
            for (RunReader r : readers) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                r.await(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            }
        } catch (InterruptedException e) {
            interrupted = true;
        }
        readerThreads.shutdown();
        synchronized (lastCaseLock) {
            if (pendingLastCaseFlush != null) {
                pendingLastCaseFlush.cancel(false);
                pendingLastCaseFlush = null;
            }
            writeLastCases();
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Returns the name used in titles and logs: the trimmed name, or the id when blank. */
    public static String displayName(Runner r) {
        String n = r.name() == null ? "" : r.name().strip();
        return n.isEmpty() ? r.id() : n;
    }
}
