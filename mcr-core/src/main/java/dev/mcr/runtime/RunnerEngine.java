package dev.mcr.runtime;

import dev.mcr.store.ScheduleState;
import dev.mcr.bus.EventBus;
import dev.mcr.error.ClosedException;
import dev.mcr.error.InvalidInputException;
import dev.mcr.error.McrException;
import dev.mcr.error.RunnerBusyException;
import dev.mcr.error.RunnerNotFoundException;
import dev.mcr.error.NothingToAcknowledgeException;
import dev.mcr.event.AlertChanged;
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
import dev.mcr.event.ScheduleSkipped;
import dev.mcr.files.RunLogBlock;
import dev.mcr.files.RunLogs;
import dev.mcr.model.AppState;
import dev.mcr.model.CaseState;
import dev.mcr.model.Runner;
import dev.mcr.model.Schedule;
import dev.mcr.process.LineReader;
import dev.mcr.process.ShellProcess;
import dev.mcr.store.AlertState;
import dev.mcr.store.LastCase;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
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
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs runners: manual and scheduled starts, output, cases, the end of a run, stop, live configuration refresh
 * and purge of deleted runners. It coordinates; each idea lives in its own class:
 * <ul>
 *   <li>{@link RunnerStateMachine}: a runner's state and every transition of it, with {@link AutoPause} (failure
 *       accounting and the one place a runner pauses);</li>
 *   <li>{@link RunEventBatch}: output batching, the events of a burst handed to the bus together;</li>
 *   <li>{@link LastCaseThrottle}: how often last cases are written;</li>
 *   <li>{@link StopEscalation}: SIGINT, SIGTERM, SIGKILL and the processes that left the tree;</li>
 *   <li>{@link ReaderThreads}: the pooled threads that read runs' output;</li>
 *   <li>{@link DurableSchedules}: where active sessions resume after a restart.</li>
 * </ul>
 *
 * <p>Each run is read on its own thread {@code mcr-runner-<id>}; stops escalate on {@code mcr-stop-<id>} threads;
 * scheduled starts come from the shared scheduler. Events are published on the {@link EventBus} and never block a
 * runner.
 */
public final class RunnerEngine implements AutoCloseable {

    /** Output lines joined into a status {@code tail}. */
    static final int TAIL_LINES = 200;
    /**
     * Bound of the output kept per run, in characters, besides the line count: 5000 lines of 64 KiB would otherwise
     * pin 300 MiB per runner.
     */
    static final long MAX_OUTPUT_CHARS = 2L * 1024 * 1024;
    /** Environment variable holding the id of the run, set for every spawned command. */
    public static final String RUN_ID_ENV = "MCR_RUN_ID";
    /** Pattern reported with the notifications an N-of-M rule sends at the end of a run. */
    public static final String DOWN_AFTER_PATTERN = "__down_after__";
    /** Pattern reported with the escalation of an unacknowledged DOWN to a second service. */
    public static final String ESCALATION_PATTERN = "__escalation__";
    /** Environment variable holding the runner id, set for every spawned command. */
    public static final String RUNNER_ID_ENV = "MCR_RUNNER_ID";
    /** Longest command the kernel execs as one argument: MAX_ARG_STRLEN (32 pages) less its terminating NUL. */
    static final int MAX_COMMAND_BYTES = 32 * 4096 - 1;

    private static final Logger LOG = LoggerFactory.getLogger(RunnerEngine.class);
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(10);

    private final Clock clock;
    private final ZoneId zone;
    private final List<String> shell;
    private final Set<String> hiddenEnvironment;
    private final int maxOutputLines;
    private final EventBus bus;
    private final ScheduledExecutorService scheduler;
    private final RunLogs logs;
    private final RunNotifier notifier;
    private final RunRegistry runRegistry;
    private final DurableSchedules durable;
    private final LastCaseThrottle lastCases;
    private final ReaderThreads readers = new ReaderThreads();
    private final Map<String, RunnerStateMachine> runners = new ConcurrentHashMap<>();
    private final Map<String, LastCase> restoredLastCases;
    private final RunIds runIds = new RunIds();
    private final HeartbeatDeadlines heartbeats = new HeartbeatDeadlines();
    /** Acknowledgements and snoozes: where they are kept, what was loaded at start, what is stored now. */
    private volatile AlertStates alertStates = AlertStates.NONE;
    private volatile Map<String, AlertState> restoredAlerts = Map.of();
    private final Map<String, AlertState> storedAlerts = new ConcurrentHashMap<>();
    private final Map<String, java.util.concurrent.ScheduledFuture<?>> escalationTimers = new ConcurrentHashMap<>();
    private volatile CountedRuns countedRuns = CountedRuns.NONE;
    private volatile Consumer<String> stopCaseHook = id -> { };
    /** What started a run, by run id, for its log block; the run history knows it. */
    private volatile java.util.function.UnaryOperator<String> runTriggers = id -> null;
    private volatile boolean closed;
    /** Cron schedules are armed only once {@link #resume()} has looked at what was missed while mcr was down. */
    private volatile boolean resumed;

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
        this(settings, bus, scheduler, logs, notifier, lastCaseStore, runRegistry, ScheduleStates.NONE);
    }

    /**
     * @param settings       clock, shell and limits
     * @param bus            where events go
     * @param scheduler      the scheduler of delayed starts (not shut down by {@link #close()})
     * @param logs           run log files
     * @param notifier       where alerts go
     * @param lastCaseStore  persistence of last case messages
     * @param runRegistry    durable record of live runs (told before each spawn and after each end)
     * @param scheduleStates durable schedule states (where active sessions resume after a restart)
     */
    public RunnerEngine(EngineSettings settings, EventBus bus, ScheduledExecutorService scheduler, RunLogs logs,
                        RunNotifier notifier, LastCaseStore lastCaseStore, RunRegistry runRegistry,
                        ScheduleStates scheduleStates) {
        this.runRegistry = Objects.requireNonNull(runRegistry, "runRegistry");
        this.durable = new DurableSchedules(Objects.requireNonNull(scheduleStates, "scheduleStates"));
        this.clock = settings.clock();
        this.zone = settings.clock().getZone();
        this.shell = settings.shell();
        this.hiddenEnvironment = settings.hiddenEnvironment();
        this.maxOutputLines = settings.maxOutputLines();
        this.bus = bus;
        this.scheduler = scheduler;
        this.logs = logs;
        this.notifier = notifier;
        this.lastCases = new LastCaseThrottle(lastCaseStore, this::currentLastCases, scheduler, clock,
                settings.runtimeStatusSaveInterval());
        Map<String, LastCase> restored;
        try {
            restored = new LinkedHashMap<>(lastCaseStore.load());
        } catch (RuntimeException e) {
            LOG.error("Could not load the persisted last case messages; starting without them.", e);
            restored = new LinkedHashMap<>();
        }
        this.restoredLastCases = restored;
    }

    /**
     * Sets where acknowledgements and snoozes are kept and takes back the stored ones; call it before the first
     * {@link #refresh}.
     *
     * @param states the alert states
     */
    public void setAlertStates(AlertStates states) {
        this.alertStates = Objects.requireNonNull(states, "states");
        try {
            this.restoredAlerts = Map.copyOf(states.load());
        } catch (RuntimeException e) {
            LOG.error("Could not load the stored acknowledgements and snoozes; starting without them.", e);
        }
    }

    /** Sets the hook called when a {@code STOP} case matches (stops the runner's active group). */
    public void setStopCaseHook(Consumer<String> hook) {
        this.stopCaseHook = hook;
    }

    /**
     * Sets where a run's trigger is looked up for its log block ({@code null} when unknown: the line is left out).
     *
     * @param triggers run id to trigger
     */
    public void setRunTriggers(java.util.function.UnaryOperator<String> triggers) {
        this.runTriggers = triggers;
    }

    // ------------------------------------------------------------------------------------ configuration

    /**
     * Applies a saved state: runners get their new settings (also while running or scheduled), runners that
     * disappeared are purged (pending starts cancelled, processes killed).
     *
     * @param state the normalized state
     */
    public void refresh(AppState state) {
        heartbeats.index(state.runners());
        Set<String> ids = new HashSet<>();
        for (Runner r : state.runners()) {
            ids.add(r.id());
            RunnerStateMachine rt = runners.computeIfAbsent(r.id(),
                    id -> new RunnerStateMachine(r, restoredPolicy(r), restoredLastCases.get(id)));
            synchronized (rt) {
                rt.configure(r, cfg -> compileMatcher(rt, cfg));
                syncCron(rt);
                syncHeartbeat(rt);
            }
            syncEscalation(rt, r, null);
        }
        boolean purgedAny = false;
        for (RunnerStateMachine rt : List.copyOf(runners.values())) {
            if (!ids.contains(rt.id())) {
                purge(rt);
                purgedAny = true;
            }
        }
        if (purgedAny) {
            lastCases.flush();
        }
    }

    private void purge(RunnerStateMachine rt) {
        ActiveRun run;
        synchronized (rt) {
            run = rt.purge();
            runners.remove(rt.id(), rt);
            durable.forget(rt.id());
            heartbeats.disarm(rt.id());
            cancelEscalation(rt.id());
            if (storedAlerts.remove(rt.id()) != null) {
                try {
                    alertStates.delete(rt.id());
                } catch (RuntimeException e) {
                    LOG.warn("Could not forget the alert state of deleted runner '{}': {}", rt.id(), e.getMessage());
                }
            }
        }
        if (run != null && run.process() != null) {
            StopEscalation.begin(rt.id(), run.process(), run.runId());
        }
    }

    // ------------------------------------------------------------------------------------ starting

    /**
     * Starts a runner.
     *
     * @param runnerId the runner
     * @param oneShot  run once whatever its schedule (group members)
     * @return the run: its id and the future of its outcome
     * @throws RunnerNotFoundException when the runner is unknown
     * @throws RunnerBusyException     when it has a live process
     * @throws InvalidInputException   when its command is longer than the system can run (128 KiB)
     * @throws ClosedException         when the engine is shutting down
     * @throws McrException            when the process cannot be spawned (counters are restored)
     */
    public StartedRun start(String runnerId, boolean oneShot) {
        return start(runnerId, oneShot, null);
    }

    /**
     * Starts a runner now like {@link #start(String, boolean)}, naming who started it on its {@code started} event.
     *
     * @param runnerId the runner
     * @param oneShot  run once whatever its schedule (group members)
     * @param actor    who started it, or {@code null}; later runs of its schedule carry {@code schedule}
     * @return the run
     */
    public StartedRun start(String runnerId, boolean oneShot, String actor) {
        RunnerStateMachine rt = runners.get(runnerId);
        if (rt == null) {
            throw new RunnerNotFoundException(runnerId);
        }
        synchronized (rt) {
            if (closed) {
                throw new ClosedException("mcr is shutting down; runners cannot be started.");
            }
            if (rt.purged()) {
                throw new RunnerNotFoundException(runnerId);
            }
            if (rt.config().isHeartbeat()) {
                throw new InvalidInputException("Runner '" + displayName(rt.config()) + "' is a heartbeat check: it "
                        + "runs no command. Its runs are the pings a job sends to its ping URL.");
            }
            if (rt.running()) {
                throw new RunnerBusyException(runnerId);
            }
            requireRunnableLength(rt.config());
            RunnerStateMachine.ManualStart before = rt.beginManualStart(oneShot, compileMatcher(rt, rt.config()));
            ActiveRun run;
            try {
                run = spawn(rt);
            } catch (IOException | RuntimeException e) {
                rt.undo(before);
                throw new McrException("Runner '" + displayName(rt.config()) + "' could not be started: "
                        + e.getMessage(), e);
            }
            rt.runBegan(run, true);
            if (rt.continuesAfterCurrentRun()) {
                durable.put(rt.resumeCurrentRun());
            } else {
                forgetUnlessArmed(rt);
            }
            publishStarted(rt, run, actor);
            // A start by hand lifts a pause, which had disarmed the cron schedule.
            syncCron(rt);
            return new StartedRun(rt.id(), run.runId(), run.outcome());
        }
    }

    /**
     * Linux refuses to exec an argument longer than 128 KiB ({@code E2BIG}, "Argument list too long"): such a
     * command is the caller's input error, not a failure of the machine, and is refused before anything runs.
     *
     * @param r the runner about to be started
     * @throws InvalidInputException when its command is too long to run
     */
    public static void requireRunnableLength(Runner r) {
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

    private void scheduledStart(RunnerStateMachine rt) {
        synchronized (rt) {
            if (!rt.beginScheduledStart(closed)) {
                return;
            }
            if (rt.needsMatcher()) {
                rt.matcher(compileMatcher(rt, rt.config()));
            }
            ActiveRun run;
            try {
                run = spawn(rt);
            } catch (IOException | RuntimeException e) {
                rt.abortScheduledStart();
                LOG.error("Scheduled start of runner '{}' failed.", displayName(rt.config()), e);
                bus.publish(new CaseError(rt.id(), "__schedule__", "Scheduled start failed: " + e.getMessage()));
                // A start that failed (no process slot, a shell missing for a moment) is a failed run: the runner
                // tries again at its next due time, and the failure threshold pauses it if it persists.
                rt.attemptsDone();
                RunPaused paused = rt.countFailure(clock.instant());
                RunScheduled next = paused == null ? scheduleNext(rt, clock.instant()) : null;
                if (next == null) {
                    rt.sessionEnded();
                    forgetUnlessArmed(rt);
                }
                // Stored (above) before it is announced: whoever saw the event may rely on it after a restart.
                if (paused != null) {
                    bus.publish(paused);
                } else if (next != null) {
                    bus.publish(next);
                }
                return;
            }
            // The stored state still names this start: a run cut short is made again after a restart.
            rt.runBegan(run, false);
            publishStarted(rt, run, RunStarted.SCHEDULE);
        }
    }

    /** Publishes {@code started} and lets the reader go; caller holds the monitor. */
    private void publishStarted(RunnerStateMachine rt, ActiveRun run, String actor) {
        StatusSnapshot s = rt.status();
        bus.publish(new RunStarted(rt.id(), run.startedTs(), s.activeTs(), s.runCount(), s.remaining(), run.runId(),
                actor, attemptOf(run)));
        Duration limit = run.startConfig().execution().timeout();
        if (!limit.isZero()) {
            try {
                run.timeoutTimer(scheduler.schedule(() -> timeOut(rt, run), limit.toMillis(), TimeUnit.MILLISECONDS));
            } catch (RejectedExecutionException e) {
                LOG.warn("The timeout of runner '{}' could not be set: mcr is shutting down.", rt.id());
            }
        }
        readers.start(run.reader());
    }

    /** The attempt written on a run's events: only for runners with retries. */
    private static int attemptOf(ActiveRun run) {
        return run.startConfig().timing().retry().count() > 0 ? run.attempt() : 0;
    }

    /** The run took longer than its runner's timeout: it is stopped like a user's stop, and fails. */
    private void timeOut(RunnerStateMachine rt, ActiveRun run) {
        synchronized (rt) {
            if (rt.run() != run) {
                return;
            }
            run.timeOut();
        }
        LOG.info("Run {} of runner '{}' reached its timeout of {} s and is stopped.", run.runId(), rt.id(),
                run.startConfig().execution().timeout().getSeconds());
        StopEscalation.begin(rt.id(), run.process(), run.runId());
    }

    /**
     * Spawns the process and prepares (does not start) its reader; caller holds the monitor. The run is recorded in
     * the registry before the spawn, so a crash at any later moment leaves a trace of it.
     */
    private ActiveRun spawn(RunnerStateMachine rt) throws IOException {
        Runner startConfig = rt.config();
        Runner.Execution x = startConfig.execution();
        String runId = runIds.next(clock.millis());
        // The runner's variables first: mcr's markers are set last, so that none of them can be replaced.
        Map<String, String> env = new LinkedHashMap<>();
        x.env().forEach(v -> env.put(v.name(), v.value()));
        env.put(RUN_ID_ENV, runId);
        env.put(RUNNER_ID_ENV, rt.id());
        List<String> runShell = shellOf(x);
        Path workDir = x.workingDir().isEmpty() ? null : Path.of(x.workingDir());
        try {
            runRegistry.starting(runId, rt.id());
        } catch (RuntimeException e) {
            LOG.error("Could not record the start of a run of runner '{}'; if mcr is killed while it runs, its "
                    + "processes will not be found at the next start.", rt.id(), e);
        }
        ShellProcess proc;
        try {
            proc = ShellProcess.start(runShell, x.command(), env, workDir, hiddenEnvironment);
        } catch (IOException | RuntimeException e) {
            forgetRun(rt.id(), runId);
            throw e;
        }
        ActiveRun run = new ActiveRun(runId, proc, startConfig, clock.instant(), rt.nextAttempt());
        run.reader(new ReaderThreads.Reader(rt.id(), () -> runLoop(rt, run)));
        return run;
    }

    /**
     * The program a run starts: the engine's shell for the default {@code bash -lc} (an embedder may have chosen
     * another), else {@code setsid} and the runner's own, so that every run has its own process group.
     */
    private List<String> shellOf(Runner.Execution x) {
        if (x.shell().equals(Runner.Execution.LOGIN_SHELL)) {
            return shell;
        }
        List<String> out = new ArrayList<>(x.shell().size() + 1);
        out.add("setsid");
        out.addAll(x.shell());
        return out;
    }

    private CaseMatcher compileMatcher(RunnerStateMachine rt, Runner r) {
        return CaseMatcher.compile(r.cases(), (rule, error) ->
                emit(rt, new CaseError(r.id(), CaseMatcher.stripLikePython(rule.pattern()), error)));
    }

    // ------------------------------------------------------------------------------------ a run

    /** Publishes an event of a runner; on its reader thread, in order with the run's pending output. */
    private void emit(RunnerStateMachine rt, McrEvent event) {
        ActiveRun run = rt.run();
        RunEventBatch batch = run == null ? null : run.events();
        if (batch != null) {
            batch.add(event);
        } else {
            bus.publish(event);
        }
    }

    private void forgetRun(String runnerId, String runId) {
        try {
            runRegistry.ended(runId);
        } catch (RuntimeException e) {
            LOG.warn("Could not record the end of a run of runner '{}': {}", runnerId, e.getMessage());
        }
    }

    private void runLoop(RunnerStateMachine rt, ActiveRun run) {
        ShellProcess proc = run.process();
        int exit;
        RunEventBatch batch = new RunEventBatch(bus);
        run.events(batch);
        try {
            exit = proc.pump(line -> onLine(rt, run, line), batch::flush, LineReader.DEFAULT_MAX_LINE_BYTES,
                    readers.executor());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            proc.kill();
            exit = -1;
        } catch (Exception | Error e) {
            LOG.error("Reading the output of runner '{}' failed; its process group is killed.", rt.id(), e);
            proc.kill();
            exit = -1;
        } finally {
            run.cancelTimeout();
            run.events(null);
            batch.flush();
        }
        forgetRun(rt.id(), run.runId());
        try {
            finish(rt, run, exit);
        } catch (RuntimeException e) {
            LOG.error("Finishing a run of runner '{}' failed.", rt.id(), e);
            run.outcome().completeExceptionally(e);
        }
    }

    private void onLine(RunnerStateMachine rt, ActiveRun run, String rawLine) {
        String line = run.redact(rawLine);
        String trimmed = CaseMatcher.stripLikePython(line);
        CaseMatcher matcher;
        synchronized (rt) {
            if (!rt.lineRead(line, trimmed, maxOutputLines, MAX_OUTPUT_CHARS)) {
                return;
            }
            matcher = rt.matcher();
        }
        emit(rt, new OutputLine(rt.id(), line, run.runId()));
        if (matcher != null) {
            for (CaseHit hit : matcher.match(line)) {
                onCase(rt, run, hit, line);
            }
        }
    }

    private void onCase(RunnerStateMachine rt, ActiveRun run, CaseHit hit, String line) {
        boolean lastLineCase = line == null;
        Instant now = clock.instant();
        Runner cfg;
        synchronized (rt) {
            cfg = rt.caseMatched(hit.message(), lastLineCase ? null : hit.state(), now);
        }
        if (cfg == null) {
            return;
        }
        run.caseMatched(hit.message());
        if (lastLineCase) {
            lastCases.flush();
        } else {
            lastCases.changed();
        }
        emit(rt, new CaseMatched(rt.id(), hit.pattern(), hit.message(), lastLineCase ? null : hit.state(), now,
                run.runId(), line));
        if (hit.state() == CaseState.STOP && !lastLineCase) {
            // The group's events must follow the lines and the match that stopped it.
            RunEventBatch batch = run.events();
            if (batch != null) {
                batch.flush();
            }
            try {
                stopCaseHook.accept(rt.id());
            } catch (RuntimeException e) {
                bus.publish(new CaseError(rt.id(), hit.pattern(), "STOP group trigger failed: " + e.getMessage()));
            }
        }
        if (lastLineCase) {
            deliver(rt, cfg, hit.pattern(), "NONE", run.runId(), displayName(cfg) + " (last line)", hit.message(), now);
        } else if ((cfg.alerting().downAfter().counts() || cfg.isHeartbeat())
                && (hit.state() == CaseState.DOWN || hit.state() == CaseState.UP)) {
            // Under an N-of-M rule (a heartbeat runner always counts, 1 of 1 by default) DOWN and its recovery are
            // decided when the run ends (countRun).
            run.stateHeld(hit.state(), hit.message());
        } else {
            decideAndDeliver(rt, cfg, hit.pattern(), hit.state(), run.runId(), hit.message(), now);
        }
    }

    /** Asks the alert policy about a match and delivers what it decides. */
    private void decideAndDeliver(RunnerStateMachine rt, Runner cfg, String pattern, CaseState state, String runId,
                                  String message, Instant now) {
        String send = rt.alerts().decide(state, message, cfg.alerting().cooldown(), cfg.alerting().escalation())
                .orElse(null);
        syncEscalation(rt, cfg, message);
        saveAlertState(rt, null);
        deliver(rt, cfg, pattern, state == null ? "NONE" : state.name(), runId, displayName(cfg), send, now);
    }

    /** Hands a message to the notifier, or to the journal as suppressed while the runner is snoozed. */
    private void deliver(RunnerStateMachine rt, Runner cfg, String pattern, String state, String runId, String title,
                         String send, Instant now) {
        if (send == null || cfg.targets().profileIds().isEmpty()) {
            return;
        }
        AlertState alert = rt.alerts().alertState(rt.id());
        if (alert.snoozedAt(now)) {
            notifier.suppressed(cfg, title, send, alert.snoozedUntil());
        } else {
            notifier.notify(cfg, pattern, state, runId, title, send);
        }
    }

    /**
     * The end of a run under an N-of-M rule: counts it (failed = non-zero exit, timeout or a DOWN case, as the
     * failure accounting has it plus the case) and notifies DOWN while the rule holds, RECOVERY when it ends.
     */
    private void countForDownAfter(RunnerStateMachine rt, Runner cfg, ActiveRun run, int exit) {
        Runner.DownAfter rule = cfg.alerting().downAfter();
        boolean failed = exit != 0 || run.timedOut() || run.downMessage() != null;
        Optional<CaseState> state = rt.alerts().countRun(failed, rule);
        if (state.isEmpty()) {
            return;
        }
        String message;
        if (state.get() == CaseState.DOWN) {
            message = run.downMessage() != null ? run.downMessage() : "At least " + rule.failures() + " of the last "
                    + rule.ofRuns() + " runs failed (exit code " + exit + ").";
        } else {
            message = run.upMessage() != null ? run.upMessage() : "At least " + rule.failures() + " of the last "
                    + rule.ofRuns() + " runs succeeded.";
        }
        decideAndDeliver(rt, cfg, DOWN_AFTER_PATTERN, state.get(), run.runId(), message, clock.instant());
    }

    private void finish(RunnerStateMachine rt, ActiveRun run, int exit) {
        Instant finishedTs = clock.instant();
        RunnerStateMachine.EndedRun ended;
        CaseMatcher matcher;
        boolean retry;
        synchronized (rt) {
            ended = rt.runEnded(run, exit, finishedTs);
            matcher = rt.matcher();
            // A failure (not a stop) with attempts left is made again; only the last attempt counts as failed.
            retry = ended != null && !ended.stopped() && !closed && !ended.config().isHeartbeat()
                    && (exit != 0 || run.timedOut())
                    && run.attempt() <= ended.config().timing().retry().count();
        }
        if (ended == null) {
            run.ended(exit, true, false, finishedTs);
            return;
        }
        Runner cfg = ended.config();
        if (cfg.execution().loggingEnabled()) {
            try {
                logs.append(rt.id(), new RunLogBlock(finishedTs, zone, displayName(cfg),
                        run.startConfig().execution().command(), exit, ended.stopped(), ended.output(),
                        run.timedOut() ? run.startConfig().execution().timeout() : null, attemptOf(run),
                        run.startedTs(), runTriggers.apply(run.runId())));
            } catch (RuntimeException e) {
                LOG.error("Could not append to the log of runner '{}'.", rt.id(), e);
            }
        }
        // The last-line message of an attempt that is made again is no result yet: it is not sent.
        Optional<CaseHit> lastLine = matcher == null || retry ? Optional.empty()
                : matcher.lastLineHit(ended.lastLine());
        if (lastLine.isPresent()) {
            onCase(rt, run, lastLine.get(), null);
        }
        if (!retry && !ended.stopped() && (cfg.alerting().downAfter().counts() || cfg.isHeartbeat())) {
            countForDownAfter(rt, cfg, run, exit);
        }
        // Before "finished" is published: whoever sees it may rely on last_case being stored (a crash right after
        // must not lose it). Most runs change no case: they write nothing.
        lastCases.flushIfChanged();
        RunPaused paused = null;
        synchronized (rt) {
            RunScheduled next;
            if (retry && !rt.running()) {
                next = scheduleRetry(rt, run, finishedTs);
            } else {
                rt.attemptsDone();
                paused = run.timedOut() && !ended.stopped() ? rt.countFailure(clock.instant())
                        : rt.accountExit(exit, ended.stopped(), clock.instant());
                // A manual start may have begun a new run meanwhile (the lock was free while logging): it is its
                // session.
                next = paused == null && !rt.running() ? scheduleNext(rt, finishedTs) : null;
            }
            // A waiting due time starts when nothing else follows; it outlasts a retry chain, not a pause.
            boolean queued = paused == null && next == null && !rt.running() && rt.takeQueued();
            if (next == null && !rt.running() && !queued) {
                rt.sessionEnded();
                forgetUnlessArmed(rt);
                if (paused == null && rt.cronArmed()) {
                    next = cronScheduled(rt, clock.instant());
                }
            }
            // The follow-up is stored before anything is announced: whoever saw "finished" may rely on it.
            bus.publish(new RunFinished(rt.id(), exit, ended.stopped(), rt.consecutiveFailures(), finishedTs,
                    run.runId(), run.timedOut(), attemptOf(run)));
            if (paused != null) {
                bus.publish(paused);
            } else if (next != null) {
                bus.publish(next);
            }
            if (queued) {
                startCronRun(rt, clock.instant());
            }
        }
        run.ended(exit, ended.stopped(), paused != null, finishedTs);
    }

    /**
     * Schedules the next attempt of a failed run after {@code delay × backoff^(attempt−1)}; caller holds the monitor.
     *
     * @return the {@code scheduled} event, or {@code null} when the scheduler refused (mcr shuts down)
     */
    private RunScheduled scheduleRetry(RunnerStateMachine rt, ActiveRun run, Instant from) {
        Duration pause = rt.config().timing().retry().delayAfter(run.attempt());
        Instant due = from.plus(pause);
        if (!scheduleAt(rt, due)) {
            return null;
        }
        rt.retryNext();
        return new RunScheduled(rt.id(), pause.getSeconds(), clock.instant(), due, run.attempt() + 1);
    }

    /**
     * Schedules the next run of the session, if it has one, when the runner's schedule says after a run that ended
     * at {@code from}, and stores it as the session's resume point; caller holds the monitor and publishes the
     * returned event. Measured from the recorded end, so the time its bookkeeping took does not shift the schedule.
     *
     * @return the {@code scheduled} event, or {@code null} when the session has no next run
     */
    private RunScheduled scheduleNext(RunnerStateMachine rt, Instant from) {
        Schedule schedule = rt.config().timing().schedule();
        if (closed || !rt.mayRepeat() || !schedule.repeats()) {
            return null;
        }
        Optional<Instant> due = schedule.nextRun(from);
        if (due.isEmpty() || !scheduleAt(rt, due.get())) {
            return null;
        }
        durable.put(rt.resumeAt(due.get()));
        return new RunScheduled(rt.id(), Duration.between(from, due.get()).getSeconds(), clock.instant(), due.get(),
                0);
    }

    /** Sets the runner's timer for a start at {@code due} (at once when it is past); caller holds the monitor. */
    private boolean scheduleAt(RunnerStateMachine rt, Instant due) {
        long delayMillis = Math.max(0, Duration.between(clock.instant(), due).toMillis());
        try {
            rt.scheduled(scheduler.schedule(() -> scheduledStart(rt), delayMillis, TimeUnit.MILLISECONDS), due);
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    // ------------------------------------------------------------------------------------ resuming

    /**
     * Takes over the sessions that were active (running or scheduled) when mcr last stopped, cleanly or not: each
     * resumes with one start at its due time, at once when that has passed (once, however many intervals were
     * missed), with its counters, failures and session start, announced by a {@code scheduled} event whose
     * {@code in_s} is the time left. A state of a runner that no longer exists is dropped; a runner started by hand
     * meanwhile keeps its own session. Call it once, after the first {@link #refresh}.
     */
    public void resume() {
        if (closed) {
            return;
        }
        Map<String, ScheduleState> states = durable.load();
        resumed = true;
        for (ScheduleState state : states.values()) {
            RunnerStateMachine rt = runners.get(state.runnerId());
            if (rt == null) {
                durable.forget(state.runnerId());
                continue;
            }
            synchronized (rt) {
                if (closed || rt.purged() || rt.running() || rt.scheduled()) {
                    continue;
                }
                if (rt.config().isHeartbeat()) {
                    // The stored deadline holds: a restart neither fires early nor forgets; a passed one fires now.
                    rt.restoreFailures(state.consecutiveFailures());
                    armHeartbeat(rt, state.sessionStartedAt(), state.nextDueAt());
                    continue;
                }
                if (rt.config().timing().schedule() instanceof Schedule.Cron) {
                    // A cron runner resumes by its schedule (or not at all when it was switched off meanwhile).
                    Schedule.Cron cron = rt.activeCron();
                    if (cron == null) {
                        durable.forget(rt.id());
                    } else {
                        resumeCron(rt, cron, state);
                    }
                    continue;
                }
                Instant now = clock.instant();
                rt.resume(state);
                if (!scheduleAt(rt, state.nextDueAt())) {
                    continue;
                }
                long leftMillis = Math.max(0, Duration.between(now, state.nextDueAt()).toMillis());
                long inS = (leftMillis + 999) / 1000;
                bus.publish(new RunScheduled(rt.id(), inS, now));
                LOG.info("Runner '{}' resumes its schedule: run {} of its session {}.", displayName(rt.config()),
                        state.runCount() + 1, inS == 0 ? "starts now (it was due while mcr was not running)"
                                : "starts in " + inS + " s");
            }
        }
        for (RunnerStateMachine rt : runners.values()) {
            synchronized (rt) {
                syncCron(rt);
                syncHeartbeat(rt);
            }
        }
    }

    // ------------------------------------------------------------------------------------ cron schedules

    /**
     * A cron schedule after a restart: a due time that is still ahead is kept; one that passed gets one catch-up run
     * now ({@code misfire: run_once}) or is announced as skipped ({@code skip}), however many passed. Caller holds
     * the monitor.
     */
    private void resumeCron(RunnerStateMachine rt, Schedule.Cron cron, ScheduleState state) {
        rt.restoreFailures(state.consecutiveFailures());
        Instant now = clock.instant();
        if (state.nextDueAt().isAfter(now)) {
            armCron(rt, cron, now);
        } else if (cron.misfire() == Schedule.Misfire.RUN_ONCE) {
            LOG.info("Runner '{}' was due at {} while mcr was not running: it runs once now.", displayName(rt.config()),
                    state.nextDueAt());
            armCronAt(rt, cron, state.nextDueAt());
        } else {
            bus.publish(new ScheduleSkipped(rt.id(), state.nextDueAt(), ScheduleSkipped.MISFIRE, now));
            armCron(rt, cron, now);
        }
    }

    /**
     * Arms, keeps or disarms a runner's cron schedule to match its settings; caller holds the monitor. Nothing is
     * armed before {@link #resume()} (it decides about missed due times first), after close, for a deleted runner or
     * a paused one (a start by hand lifts the pause).
     */
    private void syncCron(RunnerStateMachine rt) {
        if (!resumed || closed || rt.purged()) {
            return;
        }
        Schedule.Cron cron = rt.activeCron();
        Schedule.Cron armed = rt.armedWith();
        if (cron == null) {
            if (armed != null || rt.cronArmed()) {
                rt.disarmCron();
                if (!rt.running() && !rt.scheduled() && !rt.config().isHeartbeat()) {
                    durable.forget(rt.id());
                }
            }
            return;
        }
        if (rt.paused()) {
            return;
        }
        if (rt.cronArmed() && armed != null && armed.expression().equals(cron.expression())
                && armed.timeZone().equals(cron.timeZone())) {
            rt.armedWith(cron);
            return;
        }
        armCron(rt, cron, clock.instant());
    }

    /** Sets the cron timer for the first due time after {@code after}; caller holds the monitor. */
    private void armCron(RunnerStateMachine rt, Schedule.Cron cron, Instant after) {
        Optional<Instant> due = cron.nextRun(after, zone);
        if (due.isEmpty()) {
            LOG.warn("The cron schedule '{}' of runner '{}' has no further due time; it is not armed.",
                    cron.expression(), rt.id());
            rt.disarmCron();
            forgetUnlessArmed(rt);
            return;
        }
        armCronAt(rt, cron, due.get());
    }

    /**
     * Sets the cron timer for {@code due} (at once when it passed), stores it as the runner's resume point and, when
     * nothing runs, announces it; caller holds the monitor.
     */
    private void armCronAt(RunnerStateMachine rt, Schedule.Cron cron, Instant due) {
        Instant now = clock.instant();
        long delayMillis = Math.max(0, Duration.between(now, due).toMillis());
        try {
            rt.armCron(cron, due, scheduler.schedule(() -> cronFired(rt), delayMillis, TimeUnit.MILLISECONDS));
        } catch (RejectedExecutionException e) {
            return;
        }
        durable.put(new ScheduleState(rt.id(), null, due, 0, null, rt.consecutiveFailures()));
        if (!rt.busy()) {
            bus.publish(cronScheduled(rt, now));
        }
    }

    /** The {@code scheduled} event of the armed cron timer. */
    private RunScheduled cronScheduled(RunnerStateMachine rt, Instant now) {
        Instant due = rt.cronDue();
        long leftMillis = Math.max(0, Duration.between(now, due).toMillis());
        return new RunScheduled(rt.id(), (leftMillis + 999) / 1000, now, due, 0);
    }

    /**
     * A due time of a cron schedule: a run starts, unless one runs or waits (then the due time is skipped and
     * announced, or with {@code overlap: queue} it waits, at most one); then the timer is set for the next due time.
     */
    private void cronFired(RunnerStateMachine rt) {
        synchronized (rt) {
            Instant due = rt.cronFired();
            Schedule.Cron cron = rt.activeCron();
            if (closed || rt.purged() || cron == null || due == null || rt.paused()) {
                return;
            }
            Instant now = clock.instant();
            if (rt.busy()) {
                if (cron.overlap() == Schedule.Overlap.QUEUE && !rt.queued()) {
                    rt.queue();
                } else {
                    bus.publish(new ScheduleSkipped(rt.id(), due, ScheduleSkipped.OVERLAP, now));
                }
            } else {
                startCronRun(rt, now);
            }
            if (rt.activeCron() != null && !rt.paused() && !rt.cronArmed()) {
                armCron(rt, cron, due.isAfter(now) ? due : now);
            }
        }
    }

    /** Starts a run for a due time of the cron schedule; caller holds the monitor and has checked nothing runs. */
    private void startCronRun(RunnerStateMachine rt, Instant now) {
        RunnerStateMachine.ManualStart before = rt.beginCronStart(compileMatcher(rt, rt.config()));
        ActiveRun run;
        try {
            requireRunnableLength(rt.config());
            run = spawn(rt);
        } catch (IOException | RuntimeException e) {
            rt.undo(before);
            LOG.error("Scheduled start of runner '{}' failed.", displayName(rt.config()), e);
            bus.publish(new CaseError(rt.id(), "__schedule__", "Scheduled start failed: " + e.getMessage()));
            RunPaused paused = rt.countFailure(now);
            if (paused != null) {
                forgetUnlessArmed(rt);
                bus.publish(paused);
            }
            return;
        }
        rt.runBegan(run, true);
        publishStarted(rt, run, RunStarted.SCHEDULE);
    }

    /** The session ended: nothing resumes after a restart, except the armed cron schedule, whose state stays. */
    private void forgetUnlessArmed(RunnerStateMachine rt) {
        // A heartbeat runner's state is its deadline, which outlives every run.
        if (!rt.cronArmed() && !rt.config().isHeartbeat()) {
            durable.forget(rt.id());
        }
    }

    // ------------------------------------------------------------------------------------ heartbeat checks

    /** What a ping to a heartbeat runner's URL says. */
    public enum Ping {
        /** {@code /ping/<token>}: the job ran; a run that succeeded (or ends the open {@link #START}). */
        SUCCESS,
        /** {@code /ping/<token>/start}: the job began; a run that stays open until the next ping. */
        START,
        /** {@code /ping/<token>/fail}: the job failed; a run with exit code 1. */
        FAIL
    }

    /**
     * Returns whether a runner is a heartbeat check (a group's sequence passes it by).
     *
     * @param runnerId the runner
     * @return true for a known heartbeat runner
     */
    public boolean isHeartbeat(String runnerId) {
        RunnerStateMachine rt = runners.get(runnerId);
        return rt != null && rt.config().isHeartbeat();
    }

    /**
     * Returns the heartbeat runner a ping token belongs to.
     *
     * @param token the token of a ping URL
     * @return the runner id, empty when no heartbeat runner has this token
     */
    public Optional<String> heartbeatRunner(String token) {
        return heartbeats.runnerOf(token);
    }

    /**
     * Returns when a heartbeat runner was last pinged and by when the next ping is expected.
     *
     * @param runnerId the runner
     * @return {@code [last ping or null, deadline]}, empty when it is no heartbeat runner or has no deadline
     */
    public Optional<Instant[]> heartbeatDeadline(String runnerId) {
        HeartbeatDeadlines.Armed a = heartbeats.armed(runnerId);
        return a == null ? Optional.empty() : Optional.of(new Instant[] {a.lastPing(), a.due()});
    }

    /**
     * Records a ping of a heartbeat runner: a run that ends at once (its output the body's lines, matched by the
     * runner's cases), or for {@link Ping#START} one that stays open until the next ping. A failed run (a
     * {@code /fail}, a DOWN case) notifies DOWN through the runner's alerting like any failed run; the next good one
     * RECOVERY. The deadline moves to the next expected ping.
     *
     * @param runnerId the runner (see {@link #heartbeatRunner})
     * @param ping     what the ping says
     * @param body     the request body ({@code ""} for none)
     * @return the run's id
     * @throws RunnerNotFoundException when it is not a heartbeat runner (any more)
     * @throws ClosedException         when the engine is shutting down
     */
    public String ping(String runnerId, Ping ping, String body) {
        RunnerStateMachine rt = known(runnerId);
        synchronized (rt) {
            if (closed) {
                throw new ClosedException("mcr is shutting down; pings are not recorded.");
            }
            if (rt.purged() || !rt.config().isHeartbeat()) {
                throw new RunnerNotFoundException(runnerId);
            }
            Instant now = clock.instant();
            ActiveRun run = rt.run();
            if (run == null) {
                run = beginHeartbeatRun(rt, RunStarted.HEARTBEAT, now);
            }
            // Lines as a command's output has them: each ends with \n, whatever terminator the body used.
            String[] lines = body.split("\r\n|\r|\n", -1);
            int count = lines.length > 0 && lines[lines.length - 1].isEmpty() ? lines.length - 1 : lines.length;
            for (int i = 0; i < count; i++) {
                onLine(rt, run, lines[i] + "\n");
            }
            if (ping == Ping.START) {
                return run.runId();
            }
            if (ping == Ping.FAIL) {
                run.stateHeldUnlessCase(CaseState.DOWN, displayName(rt.config()) + " reported a failure.");
            } else {
                run.stateHeldUnlessCase(CaseState.UP, displayName(rt.config()) + " sent its ping again.");
            }
            finish(rt, run, ping == Ping.FAIL ? 1 : 0);
            HeartbeatDeadlines.deadline(rt.config(), now, zone).ifPresent(due -> armHeartbeat(rt, now, due));
            return run.runId();
        }
    }

    /** Opens a run of a heartbeat runner (no process); caller holds the monitor. */
    private ActiveRun beginHeartbeatRun(RunnerStateMachine rt, String actor, Instant now) {
        rt.beginCronStart(rt.needsMatcher() ? compileMatcher(rt, rt.config()) : rt.matcher());
        ActiveRun run = new ActiveRun(runIds.next(clock.millis()), null, rt.config(), now);
        rt.runBegan(run, true);
        StatusSnapshot s = rt.status();
        bus.publish(new RunStarted(rt.id(), run.startedTs(), s.activeTs(), s.runCount(), s.remaining(), run.runId(),
                actor, 0));
        return run;
    }

    /**
     * Arms a heartbeat runner's deadline and stores it (so that a restart keeps it); caller holds the monitor.
     *
     * @param lastPing the last ping, {@code null} when none was seen since the runner became one
     * @param due      the deadline; at once when it passed
     */
    private void armHeartbeat(RunnerStateMachine rt, Instant lastPing, Instant due) {
        long delayMillis = Math.max(0, Duration.between(clock.instant(), due).toMillis());
        java.util.concurrent.ScheduledFuture<?> timer;
        try {
            timer = scheduler.schedule(() -> heartbeatDue(rt, due), delayMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            return;
        }
        Runner cfg = rt.config();
        heartbeats.arm(rt.id(), new HeartbeatDeadlines.Armed(lastPing, due, cfg.heartbeat(),
                cfg.timing().schedule(), timer));
        durable.put(new ScheduleState(rt.id(), lastPing, due, 0, null, rt.consecutiveFailures()));
    }

    /**
     * Keeps a runner's deadline in step with its settings; caller holds the monitor. A new heartbeat runner (or one
     * whose period, grace or cron changed) expects its next ping measured from its last one, or from now.
     */
    private void syncHeartbeat(RunnerStateMachine rt) {
        Runner cfg = rt.config();
        HeartbeatDeadlines.Armed armed = heartbeats.armed(rt.id());
        if (!cfg.isHeartbeat()) {
            if (armed != null) {
                heartbeats.disarm(rt.id());
                durable.forget(rt.id());
            }
            return;
        }
        if (!resumed || closed || rt.purged() || armed != null && HeartbeatDeadlines.sameSettings(armed, cfg)) {
            return;
        }
        Instant lastPing = armed == null ? null : armed.lastPing();
        Optional<Instant> due = HeartbeatDeadlines.deadline(cfg, lastPing == null ? clock.instant() : lastPing, zone);
        if (due.isPresent()) {
            armHeartbeat(rt, lastPing, due.get());
        } else {
            heartbeats.disarm(rt.id());
            durable.forget(rt.id());
        }
    }

    /**
     * The deadline passed without a ping: a {@code missed} run that fails (an open {@code /start} run ends as timed
     * out instead), then the next deadline one period (or cron time) plus grace later, counted from now when mcr
     * was down meanwhile, so that a long outage is one missed run, not many.
     */
    private void heartbeatDue(RunnerStateMachine rt, Instant due) {
        synchronized (rt) {
            HeartbeatDeadlines.Armed armed = heartbeats.armed(rt.id());
            if (closed || rt.purged() || !rt.config().isHeartbeat() || armed == null || !armed.due().equals(due)) {
                return;
            }
            Instant now = clock.instant();
            String name = displayName(rt.config());
            ActiveRun run = rt.run();
            String message;
            if (run != null) {
                run.timeOut();
                message = name + " started at " + run.startedTs() + " but sent no ping by " + due + ".";
            } else {
                run = beginHeartbeatRun(rt, RunStarted.MISSED, now);
                message = armed.lastPing() == null ? name + " sent no ping by " + due + "."
                        : name + " sent no ping since " + armed.lastPing() + "; it was expected by " + due + ".";
            }
            run.stateHeldUnlessCase(CaseState.DOWN, message);
            finish(rt, run, 1);
            Instant from = due.isAfter(now) ? due : now;
            HeartbeatDeadlines.deadline(rt.config(), from, zone).ifPresent(next ->
                    armHeartbeat(rt, armed.lastPing(), next));
        }
    }

    // ------------------------------------------------------------------------------------ alerts

    private AlertPolicy restoredPolicy(Runner runner) {
        String runnerId = runner.id();
        AlertPolicy policy = new AlertPolicy(clock);
        AlertState stored = restoredAlerts.get(runnerId);
        if (stored != null) {
            policy.restore(stored);
            storedAlerts.put(runnerId, stored);
        }
        Runner.DownAfter rule = runner.alerting().downAfter();
        // A heartbeat runner always counts (1 of 1 by default): a DOWN of missed pings recovers after a restart.
        if (rule.counts() || runner.isHeartbeat()) {
            try {
                policy.restoreCountedRuns(countedRuns.failedFlags(runnerId, rule.ofRuns() * 2), rule);
            } catch (RuntimeException e) {
                LOG.warn("Could not read the last runs of runner '{}' for its down_after rule; it counts from now: {}",
                        runnerId, e.getMessage());
            }
        }
        return policy;
    }

    /**
     * Sets where the outcomes of a runner's earlier runs are read from, so that an N-of-M rule goes on counting after
     * a restart; call it before the first {@link #refresh}.
     *
     * @param runs the counted runs
     */
    public void setCountedRuns(CountedRuns runs) {
        this.countedRuns = Objects.requireNonNull(runs, "runs");
    }

    /**
     * Acknowledges a runner's current DOWN or WARN: no escalation repeats until its state changes.
     *
     * @param runnerId the runner
     * @param actor    who acknowledges
     * @return the runner's alert state now
     * @throws RunnerNotFoundException       when the runner is unknown
     * @throws NothingToAcknowledgeException when its last alert state is neither DOWN nor WARN
     */
    public AlertState acknowledge(String runnerId, String actor) {
        RunnerStateMachine rt = known(runnerId);
        if (rt.alerts().acknowledge(actor, clock.instant()).isEmpty()) {
            throw new NothingToAcknowledgeException(runnerId);
        }
        cancelEscalation(runnerId);
        return saveAlertState(rt, actor);
    }

    /**
     * Mutes a runner's notifications until a time, or ends the snooze.
     *
     * @param runnerId the runner
     * @param until    the end, or {@code null} to end it now
     * @param actor    who snoozes
     * @return the runner's alert state now
     * @throws RunnerNotFoundException when the runner is unknown
     */
    public AlertState snooze(String runnerId, Instant until, String actor) {
        RunnerStateMachine rt = known(runnerId);
        rt.alerts().snooze(until);
        return saveAlertState(rt, actor);
    }

    /** Returns the alert state of every known runner that has one worth showing now, by id. */
    public Map<String, AlertState> alertStates() {
        Instant now = clock.instant();
        Map<String, AlertState> out = new LinkedHashMap<>();
        for (RunnerStateMachine rt : runners.values()) {
            AlertState a = rt.alerts().alertState(rt.id());
            if (a.mattersAt(now)) {
                out.put(rt.id(), a.at(now));
            }
        }
        return out;
    }

    /**
     * Keeps a runner's escalation timer in line with its policy: arms the escalation of a DOWN that has none yet
     * ({@code message} given), drops it when the runner has no escalation any more, and sets the timer for a due one.
     */
    private void syncEscalation(RunnerStateMachine rt, Runner cfg, String message) {
        AlertPolicy policy = rt.alerts();
        Runner.EscalateTo to = cfg.alerting().escalateTo();
        if (to == null) {
            if (policy.escalationDue() != null) {
                policy.disarmEscalation();
                saveAlertState(rt, null);
            }
            cancelEscalation(rt.id());
            return;
        }
        if (message != null) {
            policy.armEscalation(to.after(), message);
        }
        Instant due = policy.escalationDue();
        if (due == null) {
            cancelEscalation(rt.id());
            return;
        }
        escalationTimers.compute(rt.id(), (id, timer) -> {
            if (timer != null && !timer.isDone() || closed) {
                return timer;
            }
            long delayMillis = Math.max(0, Duration.between(clock.instant(), due).toMillis());
            try {
                return scheduler.schedule(() -> escalationFired(rt), delayMillis, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                return null;
            }
        });
    }

    private void cancelEscalation(String runnerId) {
        java.util.concurrent.ScheduledFuture<?> timer = escalationTimers.remove(runnerId);
        if (timer != null) {
            timer.cancel(false);
        }
    }

    /** An escalation timer fired: sends the DOWN once to the second service unless it was acknowledged meanwhile. */
    private void escalationFired(RunnerStateMachine rt) {
        escalationTimers.remove(rt.id());
        Runner cfg;
        synchronized (rt) {
            if (closed || rt.purged()) {
                return;
            }
            cfg = rt.config();
        }
        Runner.EscalateTo to = cfg.alerting().escalateTo();
        Optional<String> message = to == null ? Optional.empty() : rt.alerts().takeEscalation();
        if (message.isPresent()) {
            Instant now = clock.instant();
            String title = displayName(cfg) + " (escalation)";
            String text = "ESCALATION: DOWN for " + to.after().getSeconds() + " s without acknowledgement: "
                    + message.get();
            AlertState alert = rt.alerts().alertState(rt.id());
            if (alert.snoozedAt(now)) {
                notifier.suppressed(cfg, title, text, alert.snoozedUntil());
            } else {
                notifier.escalate(cfg, to.profileId(), title, text);
            }
            saveAlertState(rt, null);
        }
        syncEscalation(rt, cfg, null);
    }

    private RunnerStateMachine known(String runnerId) {
        RunnerStateMachine rt = runners.get(runnerId);
        if (rt == null) {
            throw new RunnerNotFoundException(runnerId);
        }
        return rt;
    }

    /**
     * Stores the runner's alert state when it changed and announces it. A person's change ({@code actor} given) is
     * stored or fails; one the runner's state made (an acknowledgement that ended) is logged when it cannot be.
     */
    private AlertState saveAlertState(RunnerStateMachine rt, String actor) {
        AlertPolicy policy = rt.alerts();
        synchronized (policy) {
            AlertState current = policy.alertState(rt.id());
            AlertState before = storedAlerts.get(rt.id());
            Instant now = clock.instant();
            if (actor == null && (current.equals(before) || (before == null && !current.mattersAt(now)))) {
                return current;
            }
            try {
                if (current.mattersAt(now)) {
                    alertStates.put(current);
                } else {
                    alertStates.delete(rt.id());
                }
            } catch (RuntimeException e) {
                if (actor != null) {
                    throw e;
                }
                LOG.warn("Could not store the alert state of runner '{}': {}", rt.id(), e.getMessage());
            }
            storedAlerts.put(rt.id(), current);
            bus.publish(new AlertChanged(current, actor, now));
            return current;
        }
    }

    // ------------------------------------------------------------------------------------ stopping

    /**
     * Stops a runner: cancels its pending start and stops its process group in the background. Unknown ids are
     * accepted (the events are still published), like the original.
     *
     * @param runnerId the runner
     */
    public void stop(String runnerId) {
        RunnerStateMachine rt = runners.get(runnerId);
        Instant now = clock.instant();
        if (rt == null) {
            bus.publish(new RunStopping(runnerId, now));
            bus.publish(new RunStopped(runnerId, now));
            return;
        }
        ActiveRun run;
        synchronized (rt) {
            run = rt.stop();
            forgetUnlessArmed(rt);
            bus.publish(new RunStopping(rt.id(), now, run == null ? null : run.runId()));
            if (run != null && run.process() == null) {
                // The open run of a heartbeat's /start has no process: it ends as stopped at once.
                finish(rt, run, -1);
                bus.publish(new RunStopped(rt.id(), now));
                return;
            }
            if (run == null) {
                bus.publish(new RunStopped(rt.id(), now));
                if (rt.cronArmed()) {
                    // A stop ends runs, not the schedule: clients that took "stopped" as the end learn it waits on.
                    bus.publish(cronScheduled(rt, now));
                }
                return;
            }
        }
        StopEscalation.begin(rt.id(), run.process(), run.runId());
    }

    // ------------------------------------------------------------------------------------ status

    /** Returns whether the runner is running or scheduled. */
    public boolean isActive(String runnerId) {
        RunnerStateMachine rt = runners.get(runnerId);
        if (rt == null) {
            return false;
        }
        synchronized (rt) {
            return rt.running() || rt.scheduled();
        }
    }

    /** Returns the status of one runner, or {@code null} when unknown. */
    public StatusSnapshot status(String runnerId) {
        RunnerStateMachine rt = runners.get(runnerId);
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
        for (RunnerStateMachine rt : runners.values()) {
            synchronized (rt) {
                out.put(rt.id(), rt.status());
            }
        }
        return out;
    }

    private Map<String, LastCase> currentLastCases() {
        Map<String, LastCase> all = new LinkedHashMap<>();
        for (RunnerStateMachine rt : runners.values()) {
            synchronized (rt) {
                LastCase lc = rt.lastCaseOrNull();
                if (lc != null) {
                    all.put(rt.id(), lc);
                }
            }
        }
        return all;
    }

    // ------------------------------------------------------------------------------------ close

    /**
     * Stops scheduling, stops every process group (SIGINT, SIGTERM, SIGKILL), waits for the runs to finish their
     * bookkeeping and persists the last cases. Idempotent.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        // The runs stopped now end as stopped, but their sessions are not over: they resume at the next start.
        durable.shutDown();
        closed = true;
        List.copyOf(escalationTimers.keySet()).forEach(this::cancelEscalation);
        heartbeats.close();
        List<Thread> stoppers = new ArrayList<>();
        List<ActiveRun> running = new ArrayList<>();
        for (RunnerStateMachine rt : runners.values()) {
            synchronized (rt) {
                ActiveRun run = rt.shutDown();
                if (run != null && run.process() == null) {
                    // A heartbeat's open /start: its record is closed as lost at the next start.
                    run.outcome().completeExceptionally(new ClosedException("mcr closed before run " + run.runId()
                            + " of runner '" + rt.id() + "' got its ping."));
                } else if (run != null) {
                    stoppers.add(StopEscalation.begin(rt.id(), run.process(), run.runId()));
                    running.add(run);
                }
            }
        }
        boolean interrupted = false;
        long deadline = System.nanoTime() + CLOSE_WAIT.toNanos();
        try {
            for (Thread t : stoppers) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            }
            for (ActiveRun r : running) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                r.reader().await(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            }
        } catch (InterruptedException e) {
            interrupted = true;
        }
        for (ActiveRun r : running) {
            r.outcome().completeExceptionally(new ClosedException("mcr closed before run " + r.runId()
                    + " of runner '" + r.startConfig().id() + "' ended."));
        }
        readers.shutdown();
        lastCases.close();
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
