package dev.mcr;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcr.bus.EventBus;
import dev.mcr.crypto.CredentialCipher;
import dev.mcr.crypto.SecretMasking;
import dev.mcr.delivery.NotificationDispatcher;
import dev.mcr.delivery.NotifyTarget;
import dev.mcr.delivery.ProfileRegistry;
import dev.mcr.delivery.PushoverNotifier;
import dev.mcr.delivery.TestSendOutcome;
import dev.mcr.error.ClosedException;
import dev.mcr.error.GroupBusyException;
import dev.mcr.error.GroupNotFoundException;
import dev.mcr.error.InvalidInputException;
import dev.mcr.error.LimitExceededException;
import dev.mcr.error.McrException;
import dev.mcr.error.ProfileNotFoundException;
import dev.mcr.error.RunnerBusyException;
import dev.mcr.error.RunnerNotFoundException;
import dev.mcr.error.TooLargeException;
import dev.mcr.error.TooManySubscribersException;
import dev.mcr.event.GroupStatus;
import dev.mcr.event.LeftoverProcessesKilled;
import dev.mcr.event.McrEvent;
import dev.mcr.event.Subscription;
import dev.mcr.files.DataFolder;
import dev.mcr.files.LogSlice;
import dev.mcr.files.RunLogs;
import dev.mcr.model.AppState;
import dev.mcr.model.DemoState;
import dev.mcr.model.NotifyProfile;
import dev.mcr.model.Runner;
import dev.mcr.model.RunnerGroup;
import dev.mcr.model.StateJson;
import dev.mcr.json.StateNormalizer;
import dev.mcr.json.StateTrees;
import dev.mcr.notify.Notifier;
import dev.mcr.process.LeftoverProcesses;
import dev.mcr.runtime.EngineSettings;
import dev.mcr.runtime.GroupSequencer;
import dev.mcr.runtime.LastCaseStore;
import dev.mcr.runtime.RunRegistry;
import dev.mcr.runtime.RunnerEngine;
import dev.mcr.runtime.ScheduleState;
import dev.mcr.runtime.ScheduleStates;
import dev.mcr.runtime.StartedRun;
import dev.mcr.store.JournalEntry;
import dev.mcr.store.JournalQuery;
import dev.mcr.store.LastCase;
import dev.mcr.store.LiveRun;
import dev.mcr.store.sqlite.ScheduleRow;
import dev.mcr.store.sqlite.SqliteStore;
import dev.mcr.transfer.CloneOutcome;
import dev.mcr.transfer.ImportResult;
import dev.mcr.transfer.ImportRules;
import dev.mcr.transfer.Transfer;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The facade of mcr-core: holds the state, runs runners, sends notifications, publishes events.
 *
 * <pre>{@code
 * try (Mcr mcr = Mcr.builder().dataDir(Path.of("data")).build()) {
 *     Runner nas = Runner.builder("nas-ping")
 *         .command("ping -c1 -W2 nas.local >/dev/null && echo UP || echo DOWN")
 *         .every(Duration.ofSeconds(30)).unlimitedRuns()
 *         .onMatch("UP", CaseState.UP, "NAS is reachable")
 *         .onMatch("DOWN", CaseState.DOWN, "NAS is unreachable")
 *         .build();
 *     mcr.saveRunner(nas);
 *     mcr.subscribe(event -> { if (event instanceof OutputLine line) System.out.print(line.text()); });
 *     mcr.start(nas.id());
 * }
 * }</pre>
 *
 * <p>All methods are thread-safe. {@link #close()} stops every runner (killing their process
 * groups), stops scheduling and closes the store; it is idempotent.
 */
public final class Mcr implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Mcr.class);
    private static final Duration LEFTOVER_KILL_WAIT = Duration.ofSeconds(3);
    private static final Duration OWNER_START_TOLERANCE = Duration.ofSeconds(2);
    private static final Duration ENDED_RUNS_FLUSH_DELAY = Duration.ofSeconds(1);
    private static final ProcessHandle SELF = ProcessHandle.current();
    private static final Instant SELF_STARTED = SELF.info().startInstant().orElse(null);

    private final Path dataDir;
    private final Clock clock;
    private final ZoneId zone;
    private final ImportLimits importLimits;
    private final SaveLimits saveLimits;
    private final CredentialCipher cipher;
    private final SqliteStore store;
    private final RunLogs logs;
    private final EventBus bus;
    private final ScheduledExecutorService scheduler;
    private final boolean ownScheduler;
    private final NotificationDispatcher dispatcher;
    private final RunnerEngine engine;
    private final StoreRunRegistry runRegistry = new StoreRunRegistry();
    private final GroupSequencer groups;
    private final Object stateLock = new Object();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final List<LeftoverProcessesKilled> leftoversKilledAtStart;
    private final Path unreadableStateBackup;
    private volatile AppState state;
    /** {@link #maskedBytes} of {@link #state}; guarded by stateLock. */
    private long stateBytes;

    private Mcr(Builder b) {
        this.dataDir = b.dataDir.toAbsolutePath().normalize();
        this.clock = b.clock;
        this.zone = b.clock.getZone();
        this.importLimits = b.importLimits;
        this.saveLimits = SaveLimits.of(b.importLimits, b.maxStateBytes);
        DataFolder.prepare(dataDir);
        this.cipher = CredentialCipher.forDataDir(dataDir, b.secretKey);
        this.store = SqliteStore.open(dataDir, cipher);
        boolean ok = false;
        ScheduledExecutorService sched = b.scheduler;
        this.ownScheduler = sched == null;
        if (sched == null) {
            sched = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "mcr-scheduler");
                t.setDaemon(true);
                return t;
            });
        }
        this.scheduler = sched;
        this.bus = new EventBus(b.maxSubscribers, b.eventQueueCapacity);
        this.logs = new RunLogs(dataDir, b.maxLogBytes, b.maxLogFiles);
        NotificationDispatcher d = null;
        RunnerEngine e = null;
        try {
            this.leftoversKilledAtStart = killLeftovers();
            AppState loaded = store.loadState().map(StateNormalizer::normalize).orElse(null);
            this.unreadableStateBackup = loaded == null ? store.corruptStateBackup().orElse(null) : null;
            if (unreadableStateBackup != null) {
                // Neither demo runners nor an empty state are written over the row: it stays as it is until the
                // user saves, and its content is in the backup file.
                LOG.error("mcr starts with an empty state because the stored state is unreadable; its content is "
                        + "kept in {} (and in {} until the next save).", unreadableStateBackup,
                        dataDir.resolve(SqliteStore.DB_FILE_NAME));
                loaded = StateNormalizer.normalize(AppState.EMPTY);
            } else if (loaded == null) {
                loaded = b.seedDemo ? DemoState.seed() : StateNormalizer.normalize(AppState.EMPTY);
                store.saveState(StateTrees.toJson(loaded));
            }
            this.state = loaded;
            this.stateBytes = maskedBytes(loaded);
            Map<String, Notifier> byType = new LinkedHashMap<>();
            byType.put(NotifyProfile.TYPE_PUSHOVER, new PushoverNotifier(b.pushoverUrl));
            for (Notifier n : b.notifiers) {
                byType.put(n.type(), n);
            }
            d = new NotificationDispatcher(new ArrayList<>(byType.values()), new Profiles(), store::appendJournal,
                    bus::publish, clock, b.notifyQueueCapacity);
            NotificationDispatcher dispatch = d;
            e = new RunnerEngine(
                    new EngineSettings(clock, b.shell, b.maxOutputLines, b.runtimeStatusSaveInterval,
                            b.hiddenEnvironment),
                    bus, scheduler, logs,
                    (runner, pattern, title, message) ->
                            dispatch.enqueue(runner.id(), pattern, NotifyTarget.of(runner), title, message),
                    new LastCaseStore() {
                        @Override
                        public Map<String, LastCase> load() {
                            return store.loadLastCases();
                        }

                        @Override
                        public void save(Map<String, LastCase> all) {
                            store.saveLastCases(all);
                        }
                    },
                    runRegistry, new StoreScheduleStates());
            this.dispatcher = d;
            this.engine = e;
            this.groups = new GroupSequencer(engine, bus, clock);
            engine.refresh(state);
            // On the scheduler, so that whoever subscribes right after build() (or a test that drives the
            // scheduler) sees each resumed runner's "scheduled" event.
            scheduler.execute(engine::resume);
            ok = true;
        } finally {
            if (!ok) {
                if (e != null) {
                    e.close();
                }
                if (d != null) {
                    d.close();
                }
                if (ownScheduler) {
                    scheduler.shutdownNow();
                }
                store.close();
            }
        }
        LOG.info("mcr started: data folder {}, credentials from {}, {} runners.", dataDir, cipher.keySource(),
                state.runners().size());
    }

    /**
     * Finds processes of runs that an earlier instance on this data folder started and never saw end (it was
     * killed), kills them, logs and publishes what was killed, and forgets those runs. Runs whose instance is
     * still alive (another process using the same folder) are left alone.
     */
    private List<LeftoverProcessesKilled> killLeftovers() {
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
            bus.publish(event);
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

    /**
     * Returns what was found and killed at start-up of this instance: processes of runs that an earlier
     * instance on the same data folder started and never saw end because it was killed (SIGKILL, crash, power
     * cut of the JVM only). One entry per runner; empty when nothing was left behind. The same events were
     * published before anybody could subscribe and each was logged as a warning.
     *
     * @return the reports, in the order they were made
     */
    public List<LeftoverProcessesKilled> leftoversKilledAtStart() {
        return leftoversKilledAtStart;
    }

    /**
     * Returns the backup file of the stored state when it was unreadable at start-up (not a JSON object). The
     * instance then runs with an empty state; the stored row is left untouched until the next save, and its
     * content is in the returned file.
     *
     * @return the backup file, or empty when the stored state was read normally
     */
    public Optional<Path> unreadableStateBackup() {
        return Optional.ofNullable(unreadableStateBackup);
    }

    /** Returns a builder with the defaults of the original tool. */
    public static Builder builder() {
        return new Builder();
    }

    /** Returns the data folder. */
    public Path dataDir() {
        return dataDir;
    }

    /** Returns the zone timestamps are written in. */
    public ZoneId zone() {
        return zone;
    }

    /**
     * Returns the limits every save enforces (derived from the import limits: {@code MAX_TOTAL_RUNNERS},
     * {@code MAX_CASES_PER_RUNNER}, and {@code MAX_STATE_BYTES}).
     *
     * @return the limits
     */
    public SaveLimits saveLimits() {
        return saveLimits;
    }

    /** Returns the current state with secrets in clear (for code that embeds mcr). */
    public AppState state() {
        return state;
    }

    /** Returns the current state with every non-empty secret replaced by {@code __SECRET_SET__} (for clients). */
    public AppState maskedState() {
        return SecretMasking.mask(state);
    }

    /**
     * Saves a state sent by a client: {@code __SECRET_SET__} keeps stored secrets, server-owned
     * counters are kept, the result is normalized and persisted, running and scheduled runners pick
     * up their new settings, and runners that disappeared are stopped and purged.
     *
     * @param incoming the new state
     * @throws LimitExceededException when it holds more than {@link #saveLimits()} allow; nothing is changed
     */
    public void saveState(AppState incoming) {
        Objects.requireNonNull(incoming, "incoming");
        synchronized (stateLock) {
            commit(SecretMasking.mergeIncoming(incoming, state));
        }
    }

    /**
     * Like {@link #saveState(AppState)} for a state document as a client sends it (UTF-8 JSON); odd values are
     * normalized, never rejected. The sizes of its lists are checked against {@link #saveLimits()} before anything
     * is normalized, so an oversized document is refused at once.
     *
     * <pre>{@code
     * mcr.saveStateJson(Files.readAllBytes(Path.of("state.json")));
     * }</pre>
     *
     * @param utf8 the state document; anything but a JSON object saves the empty state
     * @throws InvalidInputException  "Invalid JSON: …" when it is not JSON; nothing is changed
     * @throws LimitExceededException when it holds more than the limits allow; nothing is changed
     * @throws ClosedException        when this instance is closed
     */
    public void saveStateJson(byte[] utf8) {
        saveState(readLimited(utf8));
    }

    /**
     * Saves a state document like {@link #saveStateJson(byte[])}, then starts a runner of it by hand: the "run"
     * button of a client that sends its unsaved edits along. A runner the document does not hold is refused before
     * anything is saved.
     *
     * @param utf8     the state document
     * @param runnerId the runner to start
     * @throws InvalidInputException   "Invalid JSON: …" when it is not JSON, or when the command is longer than the
     *                                 system can run; nothing is saved in the first case
     * @throws LimitExceededException  when it holds more than the limits allow; nothing is changed
     * @return the run, as {@link #start(String)} returns it
     * @throws RunnerNotFoundException when the document has no such runner; nothing is changed
     * @throws RunnerBusyException     when the runner has a live process (the state is saved)
     * @throws ClosedException         when this instance is closed
     * @throws McrException            when the process cannot be spawned (the state is saved)
     */
    public RunHandle saveStateJsonAndStart(byte[] utf8, String runnerId) {
        AppState incoming = readLimited(utf8);
        // Like the original: an unknown runner is refused before anything is saved.
        if (incoming.runner(runnerId).isEmpty()) {
            throw new RunnerNotFoundException(runnerId);
        }
        saveState(incoming);
        return start(runnerId);
    }

    /**
     * Saves a state document like {@link #saveStateJson(byte[])}, then starts a group's sequence
     * ({@link #startGroup(String)}). A group the document does not hold, or one without an active member that
     * exists, is refused before anything is saved.
     *
     * @param utf8    the state document
     * @param groupId the group to start
     * @throws InvalidInputException  "Invalid JSON: …" when it is not JSON, or "Group has no active runners";
     *                                nothing is changed
     * @throws LimitExceededException when it holds more than the limits allow; nothing is changed
     * @throws GroupNotFoundException when the document has no such group; nothing is changed
     * @throws GroupBusyException     when its sequence or one of its members is running or scheduled (the state is
     *                                saved)
     * @throws ClosedException        when this instance is closed
     */
    public void saveStateJsonAndStartGroup(byte[] utf8, String groupId) {
        AppState incoming = readLimited(utf8);
        RunnerGroup group = incoming.group(groupId).orElseThrow(() -> new GroupNotFoundException(groupId));
        boolean anyActive = group.activeRunnerIds().stream().anyMatch(id -> incoming.runner(id).isPresent());
        if (!anyActive) {
            throw new InvalidInputException("Group has no active runners");
        }
        saveState(incoming);
        startGroup(groupId);
    }

    /** Parses a state document, checks its counts against the limits before normalizing, then normalizes it. */
    private AppState readLimited(byte[] utf8) {
        JsonNode raw = StateTrees.parse(utf8);
        // Counted before normalizing: a million entries are refused at once.
        saveLimits.checkRaw(raw, state);
        return StateNormalizer.normalize(raw);
    }

    /**
     * Adds a runner, or replaces the runner with the same id, and saves.
     *
     * @param runner the runner
     * @return the runner as stored (normalized)
     * @throws LimitExceededException when it would be one runner too many or has too many cases; nothing is changed
     */
    public Runner saveRunner(Runner runner) {
        Objects.requireNonNull(runner, "runner");
        synchronized (stateLock) {
            List<Runner> runners = new ArrayList<>(state.runners());
            boolean replaced = false;
            for (int i = 0; i < runners.size(); i++) {
                if (runners.get(i).id().equals(runner.id())) {
                    runners.set(i, runner);
                    replaced = true;
                }
            }
            if (!replaced) {
                runners.add(runner);
            }
            AppState saved = commit(state.withRunners(runners));
            return saved.runner(runner.id()).orElseThrow();
        }
    }

    /**
     * Adds a notification profile, or replaces the one with the same id (its counters are kept), and saves.
     *
     * @param profile the profile, secrets in clear
     * @return the profile as stored
     * @throws LimitExceededException when it would be one profile too many; nothing is changed
     */
    public NotifyProfile saveProfile(NotifyProfile profile) {
        Objects.requireNonNull(profile, "profile");
        synchronized (stateLock) {
            List<NotifyProfile> profiles = new ArrayList<>(state.notifyProfiles());
            boolean replaced = false;
            for (int i = 0; i < profiles.size(); i++) {
                NotifyProfile old = profiles.get(i);
                if (old.id().equals(profile.id())) {
                    profiles.set(i, profile.withCounters(profile.active(), old.failureCount(), old.sentCount()));
                    replaced = true;
                }
            }
            if (!replaced) {
                profiles.add(profile);
            }
            AppState saved = commit(state.withNotifyProfiles(profiles));
            return saved.profile(profile.id()).orElseThrow();
        }
    }

    /**
     * Adds a group, or replaces the group with the same id, and saves. A runner belongs to at most
     * one group: it leaves any other group it was in. Members that do not exist are dropped.
     *
     * @param group the group
     * @return the group as stored (normalized)
     * @throws LimitExceededException when it would be one group too many; nothing is changed
     */
    public RunnerGroup saveGroup(RunnerGroup group) {
        Objects.requireNonNull(group, "group");
        synchronized (stateLock) {
            List<RunnerGroup> groups = new ArrayList<>();
            boolean replaced = false;
            for (RunnerGroup g : state.runnerGroups()) {
                if (g.id().equals(group.id())) {
                    groups.add(group);
                    replaced = true;
                } else {
                    List<String> left = g.runnerIds().stream().filter(r -> !group.runnerIds().contains(r)).toList();
                    groups.add(g.withMembers(left,
                            g.disabledRunnerIds().stream().filter(left::contains).toList()));
                }
            }
            if (!replaced) {
                groups.add(group);
            }
            AppState saved = commit(state.withGroupsAndLayout(groups, state.runnerLayout()));
            return saved.group(group.id()).orElseThrow();
        }
    }

    /**
     * Removes a runner (and stops it if it runs) and saves.
     *
     * @param runnerId the runner
     * @return whether it existed
     */
    public boolean removeRunner(String runnerId) {
        synchronized (stateLock) {
            if (state.runner(runnerId).isEmpty()) {
                return false;
            }
            commit(state.withRunners(state.runners().stream().filter(r -> !r.id().equals(runnerId)).toList()));
            return true;
        }
    }

    /** Checks the limits, normalizes, persists and applies a state; caller holds the state lock. */
    private AppState commit(AppState next) {
        ensureOpen();
        // Before normalizing, so that an oversized state costs nothing; after, because normalizing may add entries.
        saveLimits.check(next, state);
        AppState normalized = StateNormalizer.normalize(next);
        saveLimits.check(normalized, state);
        long bytes = maskedBytes(normalized);
        saveLimits.checkBytes(bytes, stateBytes);
        store.saveState(StateTrees.toJson(normalized));
        state = normalized;
        stateBytes = bytes;
        engine.refresh(normalized);
        return normalized;
    }

    /** The size of a state as clients receive it (and send it back): compact JSON, secrets masked. */
    private static long maskedBytes(AppState s) {
        return StateJson.write(SecretMasking.mask(s)).getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    }

    private void ensureOpen() {
        if (closed.get()) {
            throw new ClosedException("This mcr instance is closed.");
        }
    }

    /**
     * Starts a runner by hand: a new session of {@code max_runs} runs, one interval after each other.
     *
     * <pre>{@code
     * RunResult r = mcr.start("backup").result().toCompletableFuture().get(10, TimeUnit.MINUTES);
     * }</pre>
     *
     * @param runnerId the runner
     * @return the run: its id at once, its result when its end is accounted (after its {@code finished} event)
     * @throws RunnerNotFoundException when it does not exist
     * @throws RunnerBusyException     when it has a live process
     * @throws InvalidInputException   when its command is longer than the system can run (128 KiB)
     * @throws ClosedException         when this instance is closed or shutting down
     * @throws McrException            when the process cannot be spawned
     */
    public RunHandle start(String runnerId) {
        ensureOpen();
        if (state.runner(runnerId).isEmpty()) {
            throw new RunnerNotFoundException(runnerId);
        }
        return handle(engine.start(runnerId, false));
    }

    /** The facade's view of a started run: its own future, so no caller can complete the engine's. */
    private static RunHandle handle(StartedRun run) {
        CompletableFuture<RunResult> result = run.outcome().thenApply(o -> new RunResult(o.runId(), o.runnerId(),
                o.exitCode(), o.stopped(), o.paused(), Duration.between(o.startedTs(), o.finishedTs()), o.lastCase()));
        return new RunHandle(run.runnerId(), run.runId(), result.minimalCompletionStage());
    }

    /**
     * Stops a runner: cancels a pending start and stops its process group (SIGINT, 1.5 s, SIGTERM,
     * 2 s, SIGKILL). Returns at once; the {@code finished} event follows.
     *
     * @param runnerId the runner (unknown ids are accepted, like the original)
     */
    public void stop(String runnerId) {
        engine.stop(runnerId);
    }

    /**
     * Runs a group's active members one after another as one-shot runs.
     *
     * @param groupId the group
     * @throws GroupNotFoundException when the group does not exist
     * @throws InvalidInputException  "Group has no active runners" when none of its active members exists
     * @throws GroupBusyException     when its sequence or one of its members is running or scheduled
     * @throws ClosedException        when this instance is closed
     */
    public void startGroup(String groupId) {
        ensureOpen();
        AppState s = state;
        RunnerGroup g = s.group(groupId).orElseThrow(() -> new GroupNotFoundException(groupId));
        List<String> members = g.activeRunnerIds().stream().filter(id -> s.runner(id).isPresent()).toList();
        if (members.isEmpty()) {
            throw new InvalidInputException("Group has no active runners");
        }
        groups.start(g.id(), g.name(), members);
    }

    /**
     * Stops a group's sequence and every member.
     *
     * @param groupId the group
     * @throws GroupNotFoundException when the group is neither configured nor known from a snapshot
     */
    public void stopGroup(String groupId) {
        Optional<RunnerGroup> g = state.group(groupId);
        GroupStatus snap = groups.snapshot().get(groupId);
        if (g.isEmpty() && snap == null) {
            throw new GroupNotFoundException(groupId);
        }
        List<String> members = g.map(RunnerGroup::runnerIds).orElse(List.of());
        String name = g.map(RunnerGroup::name).orElse(snap != null ? snap.groupName() : groupId);
        groups.stop(groupId, members, name);
    }

    /** Returns the status of every known runner, by id. */
    public Map<String, RunnerStatus> status() {
        Map<String, RunnerStatus> out = new LinkedHashMap<>();
        engine.status().forEach((id, s) -> out.put(id, new RunnerStatus(s.running(), s.stopped(), s.startedTs(),
                s.activeTs(), s.tail(), s.remaining(), s.runCount(), s.scheduled(), s.lastCase(), s.lastCaseTs(),
                s.consecutiveFailures(), s.paused(), s.lastExitCode(), s.lastFinishTs())));
        return out;
    }

    /** Returns the last group status of every group that ran, by id. */
    public Map<String, GroupStatus> groupSnapshot() {
        return groups.snapshot();
    }

    /**
     * Clones a runner and saves at once.
     *
     * @param runnerId the source
     * @return the clone's id and name, and the saved state
     * @throws RunnerNotFoundException when it does not exist
     * @throws LimitExceededException  when the clone would be one runner too many, or the source has more cases
     *                                 than a new runner may have; nothing is changed
     */
    public CloneResult cloneRunner(String runnerId) {
        synchronized (stateLock) {
            CloneOutcome r = Transfer.cloneRunner(state, runnerId);
            AppState saved = commit(r.state());
            return new CloneResult(saved, r.clonedId(), r.clonedName());
        }
    }

    /** Returns an export of runners, groups and layout (never profiles). */
    public ExportFile export() {
        Instant now = clock.instant();
        JsonNode doc = Transfer.export(state, now, zone);
        return new ExportFile(Transfer.exportFileName(now, zone), StateTrees.writeIndented(doc));
    }

    /**
     * Imports an export file, appending its runners and groups with new ids. All or nothing.
     *
     * @param body the raw file
     * @return how many runners were imported
     * @throws TooLargeException      over the import size limit
     * @throws InvalidInputException  for invalid content, with a precise message
     * @throws LimitExceededException when the result would hold more groups or layout items than
     *                                {@link #saveLimits()} allow; nothing is changed
     */
    public int importRunners(byte[] body) {
        synchronized (stateLock) {
            ImportResult r = Transfer.importRunners(state, body, new ImportRules(importLimits.maxImportBytes(),
                    importLimits.maxImportedRunners(), importLimits.maxTotalRunners(), importLimits.maxCasesPerRunner()));
            commit(r.state());
            return r.importedCount();
        }
    }

    /**
     * Opens a runner's current log file for streaming, without loading it into memory: the content is exactly
     * the bytes present when it is opened (later appends are not part of it, and a rotation or clear meanwhile
     * does not disturb it). A runner without a log opens as empty; no file is created. Rotated files
     * ({@code run_<id>.log.1}, …) are not included.
     *
     * <pre>{@code
     * try (LogContent log = mcr.openLog(runnerId, 0)) {
     *     String text = new String(log.stream().readAllBytes(), StandardCharsets.UTF_8);
     * }
     * }</pre>
     *
     * @param runnerId  any id; it is reduced to {@code [A-Za-z0-9_-]} and never leaves the data folder
     * @param tailBytes 0 for the whole file, otherwise at most this many bytes from its end, starting at a line
     *                  start when the tail contains one and never inside a UTF-8 character
     * @return the content; close it when done
     * @throws IllegalArgumentException when {@code tailBytes} is negative or the id has nothing usable
     * @throws McrException             when the file cannot be read
     */
    public LogContent openLog(String runnerId, long tailBytes) {
        LogSlice slice = logs.open(runnerId, tailBytes);
        return new LogContent(slice.stream(), slice.length());
    }

    /**
     * Empties a runner's log and deletes its rotated files; a missing log stays missing.
     *
     * @param runnerId any id; it is reduced to {@code [A-Za-z0-9_-]} and never leaves the data folder
     */
    public void clearLog(String runnerId) {
        logs.clear(runnerId);
    }

    /**
     * Queries the notification journal, newest first.
     *
     * @param query filters and limit
     * @return the rows
     */
    public List<JournalEntry> notifications(JournalQuery query) {
        return store.queryJournal(query);
    }

    /** Empties the notification journal and returns how many rows were deleted. */
    public int clearNotifications() {
        return store.clearJournal();
    }

    /**
     * Sends a test message through a profile, synchronously, with the usual accounting and journal.
     *
     * @param profileId the profile
     * @param message   the text; blank means {@code "Pushover Test OK @ <ts>"}
     * @return the outcome
     * @throws ProfileNotFoundException when the profile does not exist
     * @throws ClosedException          when this instance is closed
     */
    public TestSendResult sendTest(String profileId, String message) {
        ensureOpen();
        TestSendOutcome outcome = dispatcher.sendTest(profileId, message);
        return new TestSendResult(outcome.ok(), outcome.result(), outcome.error());
    }

    /**
     * Opens a pull subscription to all events.
     *
     * @return the subscription; close it when done
     * @throws TooManySubscribersException when the subscriber limit is reached
     * @throws ClosedException             when this instance is closed
     */
    public Subscription openSubscription() {
        return bus.open();
    }

    /**
     * Calls a listener for every event on its own thread ({@code mcr-events-N}).
     *
     * @param listener the listener
     * @return the subscription; close it to stop
     */
    public Subscription subscribe(Consumer<? super McrEvent> listener) {
        return bus.subscribe(listener);
    }

    /** Returns the number of open event subscriptions. */
    public int subscriberCount() {
        return bus.subscriberCount();
    }

    /**
     * Stops every runner and group, stops scheduling and notifications, closes the store; idempotent. This is no
     * user stop: a runner whose schedule was active (running or waiting for its next run) resumes when an
     * {@code Mcr} is built on the same data folder again.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            engine.close();
        } finally {
            try {
                runRegistry.flush();
                dispatcher.close();
            } finally {
                bus.close();
                if (ownScheduler) {
                    scheduler.shutdownNow();
                }
                store.close();
            }
        }
    }

    /**
     * Records live runs in the store, tagged with this JVM so that another instance can tell whether it lives.
     * A start is written at once (it must survive a crash); ends are only collected and written with the next
     * start, or a second later, so that a run costs one transaction instead of two.
     */
    private final class StoreRunRegistry implements RunRegistry {
        private final Object lock = new Object();
        private final List<String> ended = new ArrayList<>();
        private boolean flushScheduled;

        @Override
        public void starting(String runId, String runnerId) {
            List<String> done = takeEnded();
            try {
                store.recordLiveRun(new LiveRun(runId, runnerId, null, SELF.pid(), SELF_STARTED, clock.instant()),
                        done);
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
        void flush() {
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

    /**
     * Durable schedule states in the store. Internal seam: the store's own schedule-state API replaces the SQLite
     * calls here without the engine noticing.
     */
    private final class StoreScheduleStates implements ScheduleStates {
        @Override
        public Map<String, ScheduleState> load() {
            Map<String, ScheduleState> out = new LinkedHashMap<>();
            store.loadScheduleStates().forEach((id, r) -> out.put(id, new ScheduleState(r.runnerId(), r.activeSince(),
                    r.nextDue(), r.runCount(), r.remaining(), r.consecutiveFailures())));
            return out;
        }

        @Override
        public void put(ScheduleState s) {
            store.putScheduleState(new ScheduleRow(s.runnerId(), s.activeSince(), s.nextDue(), s.runCount(),
                    s.remaining(), s.consecutiveFailures()));
        }

        @Override
        public void delete(String runnerId) {
            store.deleteScheduleState(runnerId);
        }
    }

    /** Registry the notification worker reads and updates profiles through (counters are persisted). */
    private final class Profiles implements ProfileRegistry {
        @Override
        public Optional<NotifyProfile> find(String profileId) {
            return state.profile(profileId);
        }

        @Override
        public Optional<NotifyProfile> update(String profileId, UnaryOperator<NotifyProfile> change) {
            synchronized (stateLock) {
                if (closed.get()) {
                    return Optional.empty();
                }
                AppState s = state;
                List<NotifyProfile> profiles = new ArrayList<>(s.notifyProfiles());
                for (int i = 0; i < profiles.size(); i++) {
                    if (profiles.get(i).id().equals(profileId)) {
                        NotifyProfile updated = change.apply(profiles.get(i));
                        profiles.set(i, updated);
                        AppState next = s.withNotifyProfiles(profiles);
                        store.saveState(StateTrees.toJson(next));
                        state = next;
                        return Optional.of(updated);
                    }
                }
                return Optional.empty();
            }
        }
    }

    /** Configures an {@link Mcr}; every setting has the original tool's default. */
    public static final class Builder {
        /** Default data folder. */
        public static final Path DEFAULT_DATA_DIR = Path.of("data");
        /** Default shell prefix: the command is appended as the last argument. */
        public static final List<String> DEFAULT_SHELL = List.of("setsid", "bash", "-lc");
        /** Default number of output lines kept per run. */
        public static final int DEFAULT_MAX_OUTPUT_LINES = 5000;
        /** Default minimum pause between two writes of the runtime status. */
        public static final Duration DEFAULT_RUNTIME_STATUS_SAVE_INTERVAL = Duration.ofSeconds(1);
        /** Default Pushover endpoint. */
        public static final URI DEFAULT_PUSHOVER_URL = URI.create("https://api.pushover.net/1/messages.json");
        /** Default notification queue capacity. */
        public static final int DEFAULT_NOTIFY_QUEUE_CAPACITY = 7000;
        /** Default size at which a runner's log file is rotated: 10 MiB. */
        public static final long DEFAULT_MAX_LOG_BYTES = RunLogs.DEFAULT_MAX_BYTES;
        /** Default number of rotated log files kept per runner: 5. */
        public static final int DEFAULT_MAX_LOG_FILES = RunLogs.DEFAULT_MAX_FILES;
        /** Smallest size at which a runner's log file may be rotated: 4 KiB. */
        public static final long MIN_MAX_LOG_BYTES = RunLogs.MIN_MAX_BYTES;
        /** Most rotated log files that may be kept per runner: 1000. */
        public static final int MAX_MAX_LOG_FILES = RunLogs.MAX_MAX_FILES;

        Path dataDir = DEFAULT_DATA_DIR;
        Clock clock = Clock.systemDefaultZone();
        List<String> shell = DEFAULT_SHELL;
        String secretKey;
        URI pushoverUrl = DEFAULT_PUSHOVER_URL;
        int maxOutputLines = DEFAULT_MAX_OUTPUT_LINES;
        Duration runtimeStatusSaveInterval = DEFAULT_RUNTIME_STATUS_SAVE_INTERVAL;
        ImportLimits importLimits = ImportLimits.DEFAULTS;
        int maxStateBytes = SaveLimits.DEFAULT_MAX_STATE_BYTES;
        int maxSubscribers = 100;
        int eventQueueCapacity = 7000;
        int notifyQueueCapacity = DEFAULT_NOTIFY_QUEUE_CAPACITY;
        long maxLogBytes = DEFAULT_MAX_LOG_BYTES;
        int maxLogFiles = DEFAULT_MAX_LOG_FILES;
        boolean seedDemo;
        ScheduledExecutorService scheduler;
        final List<Notifier> notifiers = new ArrayList<>();
        final Set<String> hiddenEnvironment = new LinkedHashSet<>();

        private Builder() {
        }

        /** Sets the data folder ({@code app.db}, logs, key file); created if missing. */
        public Builder dataDir(Path dataDir) {
            this.dataDir = dataDir;
            return this;
        }

        /** Sets the clock (and with it the zone of written timestamps); tests move a settable clock. */
        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        /** Sets the shell prefix; the command is appended as the last argument. Default {@code setsid bash -lc}. */
        public Builder shell(List<String> shell) {
            this.shell = List.copyOf(shell);
            return this;
        }

        /**
         * Hides variables of this JVM's environment from every command mcr runs, in addition to those always
         * hidden: every name starting with {@code MULTI_COMMAND_RUNNER_} or {@code MCR_} (the auth password,
         * the credential key, …). Declare here the
         * secrets the embedding application keeps in its environment, such as a database password. Commands
         * still get {@code MCR_RUN_ID} and {@code MCR_RUNNER_ID}, which mcr sets for each run. Calling it again
         * adds names.
         *
         * <p>This keeps secrets out of what commands inherit; it is no sandbox: a command runs as the same
         * operating-system user and can read {@code /proc/<mcr pid>/environ} and the data folder.
         *
         * @param names exact, case-sensitive variable names
         * @return this builder
         */
        public Builder hideEnvironment(Collection<String> names) {
            Objects.requireNonNull(names, "names");
            hiddenEnvironment.addAll(names);
            return this;
        }

        /** Sets the credential key: a Fernet key or any passphrase (else {@code .credentials.key} is used). */
        public Builder secretKey(String secretKey) {
            this.secretKey = secretKey;
            return this;
        }

        /** Sets the Pushover endpoint (tests point it at a local server). */
        public Builder pushoverUrl(URI pushoverUrl) {
            this.pushoverUrl = pushoverUrl;
            return this;
        }

        /** Sets how many output lines are kept per run (at least 200). */
        public Builder maxOutputLines(int maxOutputLines) {
            this.maxOutputLines = maxOutputLines;
            return this;
        }

        /** Sets the minimum pause between two writes of {@code last_case}. */
        public Builder runtimeStatusSaveInterval(Duration interval) {
            this.runtimeStatusSaveInterval = interval;
            return this;
        }

        /** Sets the import limits (the total runners and cases per runner also limit every save). */
        public Builder importLimits(ImportLimits limits) {
            this.importLimits = limits;
            return this;
        }

        /**
         * Sets the most bytes the state may have as clients receive and send it (compact JSON, secrets masked);
         * default {@link SaveLimits#DEFAULT_MAX_STATE_BYTES}.
         */
        public Builder maxStateBytes(int maxStateBytes) {
            this.maxStateBytes = maxStateBytes;
            return this;
        }

        /** Sets the maximum number of event subscribers. */
        public Builder maxSubscribers(int maxSubscribers) {
            this.maxSubscribers = maxSubscribers;
            return this;
        }

        /** Sets each event subscriber's queue capacity. */
        public Builder eventQueueCapacity(int capacity) {
            this.eventQueueCapacity = capacity;
            return this;
        }

        /** Sets the notification queue capacity. */
        public Builder notifyQueueCapacity(int capacity) {
            this.notifyQueueCapacity = capacity;
            return this;
        }

        /**
         * Sets the size a runner's log file ({@code run_<id>.log}) may reach before it is rotated: when appending a
         * run would make it larger, it becomes {@code run_<id>.log.1} and the run starts a fresh file. A single run
         * larger than the limit is still written whole. Default {@value #DEFAULT_MAX_LOG_BYTES} (10 MiB).
         *
         * @param maxLogBytes at least {@value #MIN_MAX_LOG_BYTES}
         * @return this builder
         */
        public Builder maxLogBytes(long maxLogBytes) {
            this.maxLogBytes = maxLogBytes;
            return this;
        }

        /**
         * Sets how many rotated log files ({@code run_<id>.log.1} newest … {@code run_<id>.log.N} oldest) are kept per
         * runner besides the current one; older ones are deleted at the next rotation. 0 keeps only the current
         * file. Default {@value #DEFAULT_MAX_LOG_FILES}.
         *
         * @param maxLogFiles 0 to {@value #MAX_MAX_LOG_FILES}
         * @return this builder
         */
        public Builder maxLogFiles(int maxLogFiles) {
            this.maxLogFiles = maxLogFiles;
            return this;
        }

        /**
         * Seeds the original tool's two demo runners into an empty store (a new data folder) when on; default off,
         * so a library never writes runners its caller did not ask for. The server turns it on.
         *
         * @param seedDemo whether an empty store gets the demo runners
         * @return this builder
         */
        public Builder seedDemo(boolean seedDemo) {
            this.seedDemo = seedDemo;
            return this;
        }

        /**
         * Uses the caller's scheduler instead of an own one ({@code mcr-scheduler}); it is never shut down by
         * {@link Mcr#close()}. Every delayed action of mcr goes through it: scheduled starts, the resume of durable
         * schedules right after start-up, throttled writes. With a scheduler that runs tasks only when a test moves
         * the {@link #clock(Clock) clock}, timing is tested without sleeping.
         *
         * @param scheduler the scheduler
         * @return this builder
         */
        public Builder scheduler(ScheduledExecutorService scheduler) {
            this.scheduler = scheduler;
            return this;
        }

        /** Registers a notifier for a profile type (replaces the built-in one of the same type). */
        public Builder notifier(Notifier notifier) {
            this.notifiers.add(notifier);
            return this;
        }

        /**
         * Builds and starts the instance: opens the store, loads or seeds the state, starts the workers.
         *
         * @return the running instance
         * @throws IllegalArgumentException for an invalid setting
         * @throws McrException             when the data folder cannot be used
         */
        public Mcr build() {
            require(dataDir != null, "dataDir must be set; pass the folder for app.db and the logs.");
            require(clock != null, "clock must not be null; use Clock.systemDefaultZone().");
            require(shell != null && !shell.isEmpty(), "shell must name a program, for example [setsid, bash, -lc].");
            require(pushoverUrl != null && ("http".equalsIgnoreCase(pushoverUrl.getScheme())
                    || "https".equalsIgnoreCase(pushoverUrl.getScheme())), "pushoverUrl must be an http or https URL.");
            require(maxOutputLines >= 1, "maxOutputLines must be at least 1.");
            require(runtimeStatusSaveInterval != null && !runtimeStatusSaveInterval.isNegative(),
                    "runtimeStatusSaveInterval must not be negative.");
            require(importLimits != null, "importLimits must not be null; use ImportLimits.DEFAULTS.");
            require(maxStateBytes >= 1, "maxStateBytes must be at least 1.");
            require(maxSubscribers >= 1, "maxSubscribers must be at least 1.");
            require(eventQueueCapacity >= 1, "eventQueueCapacity must be at least 1.");
            require(notifyQueueCapacity >= 1, "notifyQueueCapacity must be at least 1.");
            require(hiddenEnvironment.stream().allMatch(n -> n != null && !n.isEmpty() && n.indexOf('=') < 0
                    && n.indexOf('\0') < 0), "hideEnvironment needs variable names that are not empty and contain no "
                    + "'=' or NUL character.");
            require(maxLogBytes >= RunLogs.MIN_MAX_BYTES, "maxLogBytes must be at least " + RunLogs.MIN_MAX_BYTES
                    + " (4 KiB), not " + maxLogBytes + "; the default is " + DEFAULT_MAX_LOG_BYTES + " (10 MiB).");
            require(maxLogFiles >= 0 && maxLogFiles <= RunLogs.MAX_MAX_FILES, "maxLogFiles must be between 0 and "
                    + RunLogs.MAX_MAX_FILES + ", not " + maxLogFiles + "; the default is " + DEFAULT_MAX_LOG_FILES + ".");
            return new Mcr(this);
        }

        private static void require(boolean ok, String message) {
            if (!ok) {
                throw new IllegalArgumentException(message);
            }
        }
    }
}
