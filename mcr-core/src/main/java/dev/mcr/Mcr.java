package dev.mcr;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcr.access.Access;
import dev.mcr.bus.EventBus;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcr.crypto.CredentialCipher;
import dev.mcr.crypto.SecretCodec;
import dev.mcr.crypto.SecretMasking;
import dev.mcr.delivery.NotificationDispatcher;
import dev.mcr.delivery.NotifyTarget;
import dev.mcr.delivery.ProfileRegistry;
import dev.mcr.delivery.BuiltInChannels;
import dev.mcr.delivery.ChannelCatalog;
import dev.mcr.delivery.RetryPolicy;
import dev.mcr.delivery.TestSendOutcome;
import dev.mcr.error.ClosedException;
import dev.mcr.error.GroupBusyException;
import dev.mcr.error.GroupNotFoundException;
import dev.mcr.error.InvalidInputException;
import dev.mcr.error.LimitExceededException;
import dev.mcr.error.McrException;
import dev.mcr.error.NothingToAcknowledgeException;
import dev.mcr.error.ProfileNotFoundException;
import dev.mcr.error.RunnerBusyException;
import dev.mcr.error.RunNotFoundException;
import dev.mcr.error.RunnerNotFoundException;
import dev.mcr.error.TooLargeException;
import dev.mcr.error.TooManySubscribersException;
import dev.mcr.error.VersionConflictException;
import dev.mcr.event.GroupStatus;
import dev.mcr.event.LeftoverProcessesKilled;
import dev.mcr.event.McrEvent;
import dev.mcr.event.Subscription;
import dev.mcr.files.DataFolder;
import dev.mcr.files.LogSlice;
import dev.mcr.files.RunLogs;
import dev.mcr.files.RunOutputs;
import dev.mcr.history.RunRecorder;
import dev.mcr.history.RunStatistics;
import dev.mcr.model.AppState;
import dev.mcr.model.CaseState;
import dev.mcr.model.LayoutItem;
import dev.mcr.model.NotifyProfile;
import dev.mcr.model.Runner;
import dev.mcr.model.Schedule;
import dev.mcr.model.RunnerGroup;
import dev.mcr.model.Timestamps;
import dev.mcr.model.Versioned;
import dev.mcr.model.VersionedState;
import dev.mcr.json.StateTrees;
import dev.mcr.notify.Notifier;
import dev.mcr.runtime.CaseMatcher;
import dev.mcr.runtime.AlertStates;
import dev.mcr.runtime.CountedRuns;
import dev.mcr.runtime.EngineSettings;
import dev.mcr.runtime.GroupSequencer;
import dev.mcr.runtime.LastCaseStore;
import dev.mcr.runtime.LiveRuns;
import dev.mcr.runtime.RunNotifier;
import dev.mcr.runtime.RunnerEngine;
import dev.mcr.store.AlertState;
import dev.mcr.store.ConfigKind;
import dev.mcr.runtime.ScheduleStates;
import dev.mcr.runtime.StartedRun;
import dev.mcr.store.JournalEntry;
import dev.mcr.store.JournalQuery;
import dev.mcr.store.LiveRun;
import dev.mcr.store.RunQuery;
import dev.mcr.store.RunRecord;
import dev.mcr.store.RunRetention;
import dev.mcr.store.Store;
import dev.mcr.store.sqlite.SqliteStore;
import dev.mcr.transfer.CloneOutcome;
import dev.mcr.transfer.ImportResult;
import dev.mcr.transfer.ImportRules;
import dev.mcr.transfer.Transfer;
import com.fasterxml.jackson.databind.node.ArrayNode;
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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
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

    private final Path dataDir;
    private final Clock clock;
    private final ZoneId zone;
    private final String publicUrl;
    private final ImportLimits importLimits;
    private final SaveLimits saveLimits;
    private final CredentialCipher cipher;
    private final Store store;
    private final boolean ownStore;
    private final StateKeeper keeper;
    private final RunLogs logs;
    private final EventBus bus;
    private final ScheduledExecutorService scheduler;
    private final boolean ownScheduler;
    private final NotificationDispatcher dispatcher;
    private final ChannelCatalog channels;
    private final RunnerEngine engine;
    private final LiveRuns liveRuns;
    private final GroupSequencer groups;
    private final RunOutputs runOutputs;
    private final RunRecorder recorder;
    /** Each runner's newest run record from before this start, read when its status first needs it. */
    private final Map<String, Optional<RunRecord>> lastRunsBeforeStart = new ConcurrentHashMap<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final List<LeftoverProcessesKilled> leftoversKilledAtStart;
    private final Access access;

    private Mcr(Builder b) {
        this.dataDir = b.dataDir.toAbsolutePath().normalize();
        this.clock = b.clock;
        this.zone = b.clock.getZone();
        this.publicUrl = b.publicUrl;
        this.importLimits = b.importLimits;
        this.saveLimits = SaveLimits.of(b.importLimits, b.maxStateBytes);
        DataFolder.prepare(dataDir);
        this.cipher = CredentialCipher.forDataDir(dataDir, b.secretKey);
        this.ownStore = b.store == null;
        this.store = ownStore ? SqliteStore.open(dataDir) : b.store;
        this.access = Access.builder().store(store).clock(clock).passwordIterations(b.passwordIterations).build();
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
        this.liveRuns = new LiveRuns(store.runtime(), scheduler, clock);
        Map<String, Notifier> byType = new LinkedHashMap<>();
        for (Notifier n : BuiltInChannels.all(b.pushoverUrl, b.channelApiOverrides)) {
            byType.put(n.type(), n);
        }
        for (Notifier n : b.notifiers) {
            byType.put(n.type(), n);
        }
        this.channels = new ChannelCatalog(new ArrayList<>(byType.values()), clock.getZone());
        this.keeper = new StateKeeper(store.config(), new SecretCodec(cipher, channels), channels, channels::check,
                saveLimits, bus::publish, closed::get);
        NotificationDispatcher d = null;
        RunnerEngine e = null;
        RunRecorder rec = null;
        try {
            List<LiveRun> recordedLive = b.recordRuns ? store.runtime().liveRuns() : List.of();
            this.leftoversKilledAtStart = liveRuns.killLeftovers(bus::publish);
            keeper.load(b.seedDemo);
            this.runOutputs = new RunOutputs(dataDir);
            rec = b.recordRuns ? new RunRecorder(store.runs(), runOutputs, b.runRetention, clock, b.node,
                    this::runnerName, this::hasCronSchedule) : null;
            this.recorder = rec;
            if (rec != null) {
                // The runs still recorded as live belong to another instance that lives; every other open record is
                // of a run whose server was killed.
                rec.recover(recordedLive, store.runtime().liveRuns().stream().map(LiveRun::runId).toList());
                bus.observe(rec);
            }
            d = new NotificationDispatcher(channels.all(), new Profiles(), store.journal()::append,
                    bus::publish, clock, b.notifyQueueCapacity, scheduler, RetryPolicy.DEFAULT, b.publicUrl);
            NotificationDispatcher dispatch = d;
            e = new RunnerEngine(
                    new EngineSettings(clock, b.shell, b.maxOutputLines, b.runtimeStatusSaveInterval,
                            b.hiddenEnvironment),
                    bus, scheduler, logs,
                    new RunNotifier() {
                        @Override
                        public void notify(Runner runner, String pattern, String title, String message) {
                            notify(runner, pattern, "NONE", "", title, message);
                        }

                        @Override
                        public void notify(Runner runner, String pattern, String state, String runId, String title,
                                           String message) {
                            dispatch.enqueue(new NotificationDispatcher.Outgoing(runner.id(), runner.name(), pattern,
                                    state, runId, title, message), NotifyTarget.of(runner));
                        }

                        @Override
                        public void suppressed(Runner runner, String title, String message, Instant until) {
                            journalSuppressed(runner, title, message, until);
                        }

                        @Override
                        public void escalate(Runner runner, String profileId, String title, String message) {
                            dispatch.enqueueTo(profileId, new NotificationDispatcher.Outgoing(runner.id(),
                                    runner.name(), RunnerEngine.ESCALATION_PATTERN, "DOWN", "", title, message));
                        }
                    },
                    LastCaseStore.of(store.runtime()), liveRuns, ScheduleStates.of(store.runtime()));
            e.setAlertStates(AlertStates.of(store.runtime()));
            this.dispatcher = d;
            this.engine = e;
            this.groups = new GroupSequencer(engine, bus, clock);
            if (recorder != null) {
                engine.setRunTriggers(recorder::triggerOf);
                engine.setCountedRuns(CountedRuns.of(store.runs()));
            }
            keeper.listen(engine::refresh);
            engine.refresh(keeper.state());
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
                if (rec != null) {
                    rec.close();
                }
                if (ownScheduler) {
                    scheduler.shutdownNow();
                }
                if (ownStore) {
                    store.close();
                }
            }
        }
        LOG.info("mcr started: data folder {}, credentials from {}, {} runners.", dataDir, cipher.keySource(),
                keeper.state().runners().size());
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
     * Returns the users, sessions, API tokens and audit log kept in this instance's store. They stay usable until
     * {@link #close()}.
     *
     * @return the access data
     */
    public Access access() {
        return access;
    }

    /**
     * Returns the backup file of the stored state when it was unreadable at start-up (not a JSON object). The
     * instance then runs with an empty state; the stored row is left untouched until the next save, and its
     * content is in the returned file.
     *
     * @return the backup file, or empty when the stored state was read normally
     */
    public Optional<Path> unreadableStateBackup() {
        return keeper.unreadableBackup();
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
     * Returns the page's public address ({@code MCR_PUBLIC_URL}), from which links and ping URLs are built.
     *
     * @return an absolute http or https URL, or {@code ""} when none was set
     */
    public String publicUrl() {
        return publicUrl;
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
        return keeper.state();
    }

    /**
     * Returns the channel types this instance delivers through, in the order of the type chooser, with their declared
     * config fields (built-in ones first, then those given to {@link Builder#notifier}).
     *
     * @return the channel types
     */
    public List<ChannelType> channelTypes() {
        return channels.all().stream().map(n -> new ChannelType(n.type().strip().toLowerCase(java.util.Locale.ROOT),
                n.label(), n.fields())).toList();
    }

    /** Returns the current state with every non-empty secret replaced by {@code __SECRET_SET__} (for clients). */
    public AppState maskedState() {
        return SecretMasking.mask(keeper.state(), channels);
    }

    /**
     * Returns the current state with the versions of its runners, groups, profiles and layout, read at the same moment
     * (secrets in clear).
     *
     * @return the state and its versions
     */
    public VersionedState versionedState() {
        return keeper.versioned();
    }

    /**
     * Returns the state as a client gets it ({@code GET /api/state}): compact JSON with every non-empty secret masked,
     * each runner, group and profile object with its {@code "version"} as its last key, and {@code "layout_version"}
     * as the last key of the document. Apart from these keys it is byte for byte {@code StateJson.write(maskedState())},
     * so the original web client reads it as before.
     *
     * @return the JSON text
     */
    public String clientStateJson() {
        return keeper.clientStateJson();
    }

    /**
     * Replaces the whole state with one built in code: {@code __SECRET_SET__} keeps stored secrets, server-owned
     * counters are kept, the result is normalized and persisted object by object (each changed object gets a new
     * version and a {@link dev.mcr.event.StateChanged} event), running and scheduled runners pick up their new
     * settings, and runners that disappeared are stopped and purged. This is the last writer wins; a client that
     * sends documents without versions uses {@link #saveStateJson(byte[])}, which does not overwrite newer changes.
     *
     * @param incoming the new state
     * @throws LimitExceededException when it holds more than {@link #saveLimits()} allow; nothing is changed
     */
    public void saveState(AppState incoming) {
        Objects.requireNonNull(incoming, "incoming");
        keeper.saveState(incoming);
    }

    /**
     * Saves a state document as a client without versions sends it (UTF-8 JSON; the original's {@code POST
     * /api/state}), object by object, so that it never undoes what others changed meanwhile:
     * <ul>
     *   <li>Keys a document does not send keep their stored values, nested ones included (inside {@code schedule},
     *       {@code config}, each case matched by its {@code id}), and so do the layout and unknown top-level keys
     *       when it leaves them out. A list of runners, groups or profiles it leaves out is empty, as in the
     *       original.</li>
     *   <li>An object that equals an earlier stored version of itself on the keys it sent (normalized, masked secrets
     *       as stored, counters ignored) is a stale copy: the newer stored one is kept. Only objects that differ from
     *       every stored version are edits. The layout is compared the same way, as a whole. A client that sends
     *       back each object's {@code version} and the {@code layout_version} it loaded (as {@link
     *       #clientStateJson()} gives them) can also return an object to an earlier content when it is based on the
     *       current version; the original client sends no versions, so for it such a return is a stale copy.</li>
     *   <li>Runners, groups and profiles missing from a list that is sent are deleted; a stale copy of a deleted
     *       object does not bring it back.</li>
     * </ul>
     * Odd values are normalized, never rejected; {@code __SECRET_SET__} keeps a stored secret and the counters stay
     * server-owned. The sizes of its lists are checked against {@link #saveLimits()} before anything is normalized, so
     * an oversized document is refused at once. Keys named {@code version} (in objects) and {@code layout_version}
     * are never stored.
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
        keeper.saveLegacy(utf8, planned -> {
        });
    }

    /**
     * Saves a state document like {@link #saveStateJson(byte[])}, then starts a runner of it by hand: the "run"
     * button of a client that sends its unsaved edits along. A runner the saved state would not hold is refused
     * before anything is saved.
     *
     * @param utf8     the state document
     * @param runnerId the runner to start
     * @throws InvalidInputException   "Invalid JSON: …" when it is not JSON, or when the runner's command is longer
     *                                 than the system can run; nothing is saved
     * @throws LimitExceededException  when it holds more than the limits allow; nothing is changed
     * @return the run, as {@link #start(String)} returns it
     * @throws RunnerNotFoundException when the document has no such runner; nothing is changed
     * @throws RunnerBusyException     when the runner has a live process (the state is saved)
     * @throws ClosedException         when this instance is closed
     * @throws McrException            when the process cannot be spawned (the state is saved)
     */
    public RunHandle saveStateJsonAndStart(byte[] utf8, String runnerId) {
        return saveStateJsonAndStart(utf8, runnerId, null);
    }

    /**
     * Saves a state document and starts a runner like {@link #saveStateJsonAndStart(byte[], String)}, naming who
     * started it ({@link #start(String, String)}).
     *
     * @param utf8     the state document
     * @param runnerId the runner
     * @param actor    who started it, or {@code null}
     * @return the run
     */
    public RunHandle saveStateJsonAndStart(byte[] utf8, String runnerId, String actor) {
        // Like the original: an unknown runner is refused before anything is saved; so is one that cannot run.
        keeper.saveLegacy(utf8, planned -> {
            RunnerEngine.requireRunnableLength(planned.runner(runnerId)
                    .orElseThrow(() -> new RunnerNotFoundException(runnerId)));
        });
        return start(runnerId, actor);
    }

    /**
     * Saves a state document like {@link #saveStateJson(byte[])}, then starts a group's sequence
     * ({@link #startGroup(String)}). A group the saved state would not hold, or one without an active member that
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
        keeper.saveLegacy(utf8, planned -> {
            RunnerGroup group = planned.group(groupId).orElseThrow(() -> new GroupNotFoundException(groupId));
            boolean anyActive = group.activeRunnerIds().stream().anyMatch(id -> planned.runner(id).isPresent());
            if (!anyActive) {
                throw new InvalidInputException("Group has no active runners");
            }
        });
        startGroup(groupId);
    }

    /**
     * Adds a runner, or replaces the runner with the same id, and saves (last writer wins; see
     * {@link #updateRunner(Runner, long)} for a change based on a version).
     *
     * @param runner the runner
     * @return the runner as stored (normalized)
     * @throws LimitExceededException when it would be one runner too many or has too many cases; nothing is changed
     */
    public Runner saveRunner(Runner runner) {
        Objects.requireNonNull(runner, "runner");
        synchronized (keeper.lock) {
            keeper.put(ConfigKind.RUNNER, runner.id(), tree(runner), currentVersion(ConfigKind.RUNNER, runner.id()),
                    false);
            return keeper.state().runner(runner.id()).orElseThrow();
        }
    }

    /**
     * Adds a notification profile, or replaces the one with the same id (its counters are kept), and saves (last
     * writer wins).
     *
     * @param profile the profile, secrets in clear
     * @return the profile as stored
     * @throws LimitExceededException when it would be one profile too many; nothing is changed
     */
    public NotifyProfile saveProfile(NotifyProfile profile) {
        Objects.requireNonNull(profile, "profile");
        synchronized (keeper.lock) {
            keeper.put(ConfigKind.PROFILE, profile.id(), tree(profile),
                    currentVersion(ConfigKind.PROFILE, profile.id()), false);
            return keeper.state().profile(profile.id()).orElseThrow();
        }
    }

    /**
     * Adds a group, or replaces the group with the same id, and saves (last writer wins). A runner belongs to at most
     * one group: it leaves any other group it was in. Members that do not exist are dropped.
     *
     * @param group the group
     * @return the group as stored (normalized)
     * @throws LimitExceededException when it would be one group too many; nothing is changed
     */
    public RunnerGroup saveGroup(RunnerGroup group) {
        Objects.requireNonNull(group, "group");
        synchronized (keeper.lock) {
            keeper.put(ConfigKind.GROUP, group.id(), tree(group), currentVersion(ConfigKind.GROUP, group.id()), false);
            return keeper.state().group(group.id()).orElseThrow();
        }
    }

    /**
     * Removes a runner (and stops it if it runs) and saves.
     *
     * @param runnerId the runner
     * @return whether it existed
     */
    public boolean removeRunner(String runnerId) {
        synchronized (keeper.lock) {
            long version = currentVersion(ConfigKind.RUNNER, runnerId);
            if (version == 0) {
                return false;
            }
            keeper.delete(ConfigKind.RUNNER, runnerId, version);
            return true;
        }
    }

    // ------------------------------------------------------------------------------------- versioned changes

    /**
     * Returns a runner with its version.
     *
     * @param runnerId the runner
     * @return the runner and its version, or empty when it does not exist
     */
    public Optional<Versioned<Runner>> versionedRunner(String runnerId) {
        VersionedState s = keeper.versioned();
        return s.state().runner(runnerId).map(r -> new Versioned<>(r, s.versions().runner(runnerId)));
    }

    /**
     * Returns a group with its version.
     *
     * @param groupId the group
     * @return the group and its version, or empty when it does not exist
     */
    public Optional<Versioned<RunnerGroup>> versionedGroup(String groupId) {
        VersionedState s = keeper.versioned();
        return s.state().group(groupId).map(g -> new Versioned<>(g, s.versions().group(groupId)));
    }

    /**
     * Returns a notification profile (secrets in clear) with its version.
     *
     * @param profileId the profile
     * @return the profile and its version, or empty when it does not exist
     */
    public Optional<Versioned<NotifyProfile>> versionedProfile(String profileId) {
        VersionedState s = keeper.versioned();
        return s.state().profile(profileId).map(p -> new Versioned<>(p, s.versions().profile(profileId)));
    }

    /**
     * Returns the layout (the display order) with its version.
     *
     * @return the layout and its version (0 before anything was stored)
     */
    public Versioned<List<LayoutItem>> layout() {
        VersionedState s = keeper.versioned();
        return new Versioned<>(s.state().runnerLayout(), s.versions().layout());
    }

    /**
     * Creates a runner; its id must not be in use.
     *
     * @param runner the runner
     * @return the runner as stored (normalized) with its first version
     * @throws VersionConflictException when a runner with its id exists (it carries that runner)
     * @throws LimitExceededException   when it would be one runner too many or has too many cases
     */
    public Versioned<Runner> createRunner(Runner runner) {
        Objects.requireNonNull(runner, "runner");
        synchronized (keeper.lock) {
            keeper.put(ConfigKind.RUNNER, runner.id(), tree(runner), 0, false);
            return versionedRunner(runner.id()).orElseThrow();
        }
    }

    /**
     * Replaces a runner, based on the version the change was made to.
     *
     * <pre>{@code
     * Versioned<Runner> seen = mcr.versionedRunner(id).orElseThrow();
     * try {
     *     mcr.updateRunner(edited, seen.version());
     * } catch (VersionConflictException e) {
     *     // someone else changed it: e.currentJson() is theirs
     * }
     * }</pre>
     *
     * @param runner      the runner (its id names the one replaced)
     * @param baseVersion the version the change is based on
     * @return the runner as stored with its new version
     * @throws VersionConflictException when the stored version is another one (nothing is changed)
     * @throws RunnerNotFoundException  when the runner never existed
     */
    public Versioned<Runner> updateRunner(Runner runner, long baseVersion) {
        Objects.requireNonNull(runner, "runner");
        requireBase(baseVersion);
        synchronized (keeper.lock) {
            keeper.put(ConfigKind.RUNNER, runner.id(), tree(runner), baseVersion, false);
            return versionedRunner(runner.id()).orElseThrow();
        }
    }

    /**
     * Deletes a runner (stopping it when it runs), based on the version the deletion was decided on.
     *
     * @param runnerId    the runner
     * @param baseVersion the version the deletion is based on
     * @throws VersionConflictException when the stored version is another one, or it was deleted already
     * @throws RunnerNotFoundException  when the runner never existed
     */
    public void deleteRunner(String runnerId, long baseVersion) {
        delete(ConfigKind.RUNNER, runnerId, baseVersion);
    }

    /**
     * Creates a group; its id must not be in use. Its members leave any other group.
     *
     * @param group the group
     * @return the group as stored with its first version
     * @throws VersionConflictException when a group with its id exists
     */
    public Versioned<RunnerGroup> createGroup(RunnerGroup group) {
        Objects.requireNonNull(group, "group");
        synchronized (keeper.lock) {
            keeper.put(ConfigKind.GROUP, group.id(), tree(group), 0, false);
            return versionedGroup(group.id()).orElseThrow();
        }
    }

    /**
     * Replaces a group, based on the version the change was made to. Its members leave any other group.
     *
     * @param group       the group
     * @param baseVersion the version the change is based on
     * @return the group as stored with its new version
     * @throws VersionConflictException when the stored version is another one
     * @throws GroupNotFoundException   when the group never existed
     */
    public Versioned<RunnerGroup> updateGroup(RunnerGroup group, long baseVersion) {
        Objects.requireNonNull(group, "group");
        requireBase(baseVersion);
        synchronized (keeper.lock) {
            keeper.put(ConfigKind.GROUP, group.id(), tree(group), baseVersion, false);
            return versionedGroup(group.id()).orElseThrow();
        }
    }

    /**
     * Deletes a group (its members stay, as top-level runners), based on a version.
     *
     * @param groupId     the group
     * @param baseVersion the version the deletion is based on
     * @throws VersionConflictException when the stored version is another one
     * @throws GroupNotFoundException   when the group never existed
     */
    public void deleteGroup(String groupId, long baseVersion) {
        delete(ConfigKind.GROUP, groupId, baseVersion);
    }

    /**
     * Creates a notification profile; its id must not be in use.
     *
     * @param profile the profile, secrets in clear
     * @return the profile as stored with its first version
     * @throws VersionConflictException when a profile with its id exists
     */
    public Versioned<NotifyProfile> createProfile(NotifyProfile profile) {
        Objects.requireNonNull(profile, "profile");
        synchronized (keeper.lock) {
            keeper.put(ConfigKind.PROFILE, profile.id(), tree(profile), 0, false);
            return versionedProfile(profile.id()).orElseThrow();
        }
    }

    /**
     * Replaces a notification profile, based on a version. {@code __SECRET_SET__} keeps a stored secret; the counters
     * stay server-owned (turning an inactive profile active resets its failures).
     *
     * @param profile     the profile
     * @param baseVersion the version the change is based on
     * @return the profile as stored with its new version
     * @throws VersionConflictException when the stored version is another one
     * @throws ProfileNotFoundException when the profile never existed
     */
    public Versioned<NotifyProfile> updateProfile(NotifyProfile profile, long baseVersion) {
        Objects.requireNonNull(profile, "profile");
        requireBase(baseVersion);
        synchronized (keeper.lock) {
            keeper.put(ConfigKind.PROFILE, profile.id(), tree(profile), baseVersion, false);
            return versionedProfile(profile.id()).orElseThrow();
        }
    }

    /**
     * Deletes a notification profile (runners drop it from their targets), based on a version.
     *
     * @param profileId   the profile
     * @param baseVersion the version the deletion is based on
     * @throws VersionConflictException when the stored version is another one
     * @throws ProfileNotFoundException when the profile never existed
     */
    public void deleteProfile(String profileId, long baseVersion) {
        delete(ConfigKind.PROFILE, profileId, baseVersion);
    }

    /**
     * Replaces the layout (display order), based on a version; it is normalized like every save (grouped runners
     * never appear, missing runners and groups are appended).
     *
     * @param layout      the new order
     * @param baseVersion the version the change is based on
     * @return the layout as stored with its new version
     * @throws VersionConflictException when the stored version is another one
     */
    public Versioned<List<LayoutItem>> updateLayout(List<LayoutItem> layout, long baseVersion) {
        Objects.requireNonNull(layout, "layout");
        ArrayNode items = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode();
        layout.forEach(i -> items.addObject().put("type", i.type().json()).put("id", i.id()));
        synchronized (keeper.lock) {
            keeper.putLayout(items, baseVersion);
            return layout();
        }
    }

    // ------------------------------------------------------------------------ versioned changes as JSON

    /**
     * Returns one object as a client gets it: compact JSON, secrets masked, with its {@code "version"}. The layout is
     * {@code {"runner_layout": [...], "version": n}}.
     *
     * @param kind runner, group, profile or layout
     * @param id   the id (ignored for the layout)
     * @return the JSON text
     * @throws RunnerNotFoundException  (or the group's or profile's) when it does not exist
     * @throws IllegalArgumentException for the extra keys, which are no object of their own for clients
     */
    public String objectJson(ConfigKind kind, String id) {
        requireClientKind(kind);
        return keeper.clientObjectJson(kind, kind == ConfigKind.LAYOUT ? ConfigKind.SINGLE_ID : id);
    }

    /**
     * Creates an object from a client's JSON (the body of {@code POST /api/runners} and its twins): keys it lacks get
     * their defaults, odd values are normalized, a missing or invalid {@code id} gets a new one, {@code version} is
     * ignored. A group's members leave any other group.
     *
     * @param kind runner, group or profile
     * @param body the object as UTF-8 JSON
     * @return the created object as a client gets it, with its version
     * @throws InvalidInputException    "Invalid JSON: …", or when the body is not a JSON object
     * @throws VersionConflictException when an object with its id exists (it carries that object)
     * @throws LimitExceededException   when it would exceed the limits; nothing is changed
     */
    public String createJson(ConfigKind kind, byte[] body) {
        requireObjectKind(kind);
        ObjectNode o = objectBody(kind, body);
        synchronized (keeper.lock) {
            checkRawObject(kind, o);
            String id = keeper.put(kind, idOf(o), o, 0, true);
            return keeper.clientObjectJson(kind, id);
        }
    }

    /**
     * Changes an object from a client's JSON (the body of {@code PUT /api/runners/{id}} and its twins, or of
     * {@code PUT /api/layout}), based on a version: keys it lacks keep their stored values, nested ones included
     * (inside {@code schedule}, {@code config}, each case matched by its {@code id}); {@code __SECRET_SET__} keeps a
     * stored secret; counters stay server-owned. The layout's body is its array, or
     * {@code {"runner_layout": [...], "version": n}}.
     *
     * @param kind    runner, group, profile or layout
     * @param id      the id (ignored for the layout); an {@code id} in the body is ignored
     * @param body    the object as UTF-8 JSON; its {@code "version"} is the base version
     * @param version the base version when the body has none (for example {@code ?version=}), or {@code null}
     * @return the changed object as a client gets it, with its new version
     * @throws InvalidInputException    "Invalid JSON: …", a body of the wrong shape, or no base version at all
     * @throws VersionConflictException when the stored version is another one (it carries the stored object)
     * @throws RunnerNotFoundException  (or the group's or profile's) when it never existed
     * @throws LimitExceededException   when it would exceed the limits; nothing is changed
     */
    public String updateJson(ConfigKind kind, String id, byte[] body, Long version) {
        requireClientKind(kind);
        JsonNode raw = StateTrees.parse(body);
        if (kind == ConfigKind.LAYOUT) {
            JsonNode items = raw.isArray() ? raw : raw.get("runner_layout");
            if (items == null || !items.isArray()) {
                throw new InvalidInputException("The layout must be a JSON array, or an object with the array in "
                        + "\"runner_layout\".");
            }
            long base = baseVersion(raw.isObject() ? raw.get(StateKeeper.VERSION_KEY) : null, version);
            synchronized (keeper.lock) {
                keeper.putLayout(items, base);
                return keeper.clientObjectJson(kind, ConfigKind.SINGLE_ID);
            }
        }
        ObjectNode o = objectBody(kind, body);
        long base = baseVersion(o.get(StateKeeper.VERSION_KEY), version);
        synchronized (keeper.lock) {
            checkRawObject(kind, o);
            keeper.put(kind, id, o, base, true);
            return keeper.clientObjectJson(kind, id);
        }
    }

    /**
     * Deletes an object, based on a version (the JSON twin of {@link #deleteRunner}, {@link #deleteGroup} and
     * {@link #deleteProfile}).
     *
     * @param kind        runner, group or profile
     * @param id          the id
     * @param baseVersion the version the deletion is based on
     * @return the version of its tombstone (the {@code version} of the {@link dev.mcr.event.StateChanged} that tells
     *         of the deletion)
     * @throws VersionConflictException when the stored version is another one, or it was deleted already
     * @throws RunnerNotFoundException  (or the group's or profile's) when it never existed
     */
    public long delete(ConfigKind kind, String id, long baseVersion) {
        requireObjectKind(kind);
        requireBase(baseVersion);
        return keeper.delete(kind, id, baseVersion);
    }

    /**
     * Orders the notification profiles (the order clients list them in): the listed ones first, in this order, then
     * the others in their previous order; unknown ids are ignored. An order is no content: no version changes and no
     * {@link dev.mcr.event.StateChanged} is published.
     *
     * @param profileIds the ids in their new order
     * @return the ids of every profile in the stored order
     * @throws ClosedException when this instance is closed
     */
    public List<String> orderProfiles(List<String> profileIds) {
        Objects.requireNonNull(profileIds, "profileIds");
        return keeper.orderProfiles(List.copyOf(profileIds));
    }

    /**
     * Re-encrypts every stored secret with the first key of this instance's secret key (a list of keys separated by
     * commas: the first encrypts, all decrypt; see {@link Builder#secretKey}), in one transaction, the earlier versions
     * of each object and the original tool's state row included. Versions do not change and no event is published:
     * what the objects say stays the same. Afterwards the older keys can be removed from the configuration. A secret
     * that no given key decrypts is kept as it is and reported by where it is.
     *
     * @return what was done
     * @throws ClosedException when this instance is closed
     * @throws McrException    when the store cannot be written; nothing changed then
     */
    public KeyRotation rotateKeys() {
        return keeper.rotateKeys(cipher);
    }

    /**
     * Re-encrypts every stored secret of a data folder without opening it for running: no schedule resumes, no
     * process is started or swept, no demo runner is written. For a command-line tool, while no server uses the
     * folder (a running server keeps its old tokens in memory; it rotates with {@link #rotateKeys()}).
     *
     * @param dataDir   the data folder
     * @param secretKey the secret key setting, as for {@link Builder#secretKey}; {@code null} for the key file
     * @return what was done
     * @throws McrException when the folder or its store cannot be opened or written; nothing changed then
     */
    public static KeyRotation rotateKeys(Path dataDir, String secretKey) {
        Path dir = Objects.requireNonNull(dataDir, "dataDir").toAbsolutePath().normalize();
        DataFolder.prepare(dir);
        CredentialCipher cipher = CredentialCipher.forDataDir(dir, secretKey);
        try (Store store = SqliteStore.open(dir)) {
            ChannelCatalog builtIn = new ChannelCatalog(BuiltInChannels.all(Builder.DEFAULT_PUSHOVER_URL, Map.of()),
                    java.time.ZoneId.systemDefault());
            StateKeeper keeper = new StateKeeper(store.config(), new SecretCodec(cipher, builtIn), builtIn,
                    (next, current) -> { }, SaveLimits.DEFAULTS, e -> { }, () -> false);
            keeper.load(false);
            return keeper.rotateKeys(cipher);
        }
    }

    private long currentVersion(ConfigKind kind, String id) {
        VersionedState s = keeper.versioned();
        switch (kind) {
            case RUNNER:
                return s.versions().runner(id);
            case GROUP:
                return s.versions().group(id);
            default:
                return s.versions().profile(id);
        }
    }

    private static void requireBase(long baseVersion) {
        if (baseVersion < 1) {
            throw new IllegalArgumentException("A change is based on a version of 1 or more, not " + baseVersion
                    + "; use the create methods for new objects.");
        }
    }

    private static void requireClientKind(ConfigKind kind) {
        Objects.requireNonNull(kind, "kind");
        if (kind == ConfigKind.EXTRA) {
            throw new IllegalArgumentException("The extra top-level keys are no object of their own; save the state.");
        }
    }

    private static void requireObjectKind(ConfigKind kind) {
        Objects.requireNonNull(kind, "kind");
        if (kind.single()) {
            throw new IllegalArgumentException("The " + kind.json() + " is a single object; use updateJson.");
        }
    }

    private static ObjectNode objectBody(ConfigKind kind, byte[] body) {
        JsonNode raw = StateTrees.parse(body);
        if (!(raw instanceof ObjectNode o)) {
            throw new InvalidInputException("The " + kind.json() + " must be a JSON object.");
        }
        return o;
    }

    /** Counts the cases of a runner before anything is normalized, so that a huge body is refused at once. */
    private void checkRawObject(ConfigKind kind, ObjectNode o) {
        if (kind == ConfigKind.RUNNER) {
            ObjectNode doc = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
            doc.putArray("runners").add(o);
            saveLimits.checkRaw(doc, keeper.state());
        }
    }

    private static String idOf(ObjectNode o) {
        JsonNode id = o.get("id");
        if (id == null) {
            return null;
        }
        return id.isTextual() ? id.textValue().strip() : id.isIntegralNumber() ? id.asText() : null;
    }

    private static long baseVersion(JsonNode inBody, Long param) {
        if (inBody != null && !inBody.isNull()) {
            if (inBody.isIntegralNumber() && inBody.canConvertToLong() && inBody.longValue() >= 0) {
                return inBody.longValue();
            }
            if (inBody.isTextual() && inBody.textValue().strip().matches("[0-9]{1,18}")) {
                return Long.parseLong(inBody.textValue().strip());
            }
            throw new InvalidInputException("\"version\" must be a whole number of 0 or more.");
        }
        if (param != null) {
            if (param < 0) {
                throw new InvalidInputException("\"version\" must be a whole number of 0 or more.");
            }
            return param;
        }
        throw new InvalidInputException("The version the change is based on is missing: send \"version\" in the body "
                + "or ?version=.");
    }

    private static ObjectNode tree(Runner r) {
        return (ObjectNode) StateTrees.toJson(new AppState(List.of(), List.of(r), List.of(), List.of(), Map.of()))
                .get("runners").get(0);
    }

    private static ObjectNode tree(RunnerGroup g) {
        return (ObjectNode) StateTrees.toJson(new AppState(List.of(), List.of(), List.of(g), List.of(), Map.of()))
                .get("runner_groups").get(0);
    }

    private static ObjectNode tree(NotifyProfile p) {
        return (ObjectNode) StateTrees.toJson(new AppState(List.of(p), List.of(), List.of(), List.of(), Map.of()))
                .get("notify_profiles").get(0);
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
        return start(runnerId, null);
    }

    /**
     * Starts a runner now like {@link #start(String)}, naming who started it: its {@code started} event carries the
     * actor (later runs of its schedule carry {@code schedule}, runs of a group's sequence {@code group:<id>}).
     *
     * @param runnerId the runner
     * @param actor    who started it (a user's name, {@code token:<name>}, …), or {@code null}
     * @return the run
     * @throws RunnerNotFoundException when it does not exist
     * @throws RunnerBusyException     when it has a live process
     * @throws ClosedException         when this instance is closed or shutting down
     */
    public RunHandle start(String runnerId, String actor) {
        ensureOpen();
        if (keeper.state().runner(runnerId).isEmpty()) {
            throw new RunnerNotFoundException(runnerId);
        }
        return handle(engine.start(runnerId, false, actor));
    }

    /**
     * Records a ping to a heartbeat runner's URL (see {@link dev.mcr.model.Runner.Builder#heartbeat}): a run that ends
     * at once with the body's lines as its output (matched by the runner's cases), or for {@link HeartbeatPing#START}
     * one that the next ping ends. A {@link HeartbeatPing#FAIL} or a DOWN case fails the run and notifies DOWN through
     * the runner's alerting; the next good ping RECOVERY. The runner is found by the token's SHA-256.
     *
     * @param token the token of the ping URL
     * @param ping  what the ping says
     * @param body  the request body as text, {@code ""} for none (the caller limits its size)
     * @return the run's id
     * @throws RunnerNotFoundException when no heartbeat runner has this token (the exception names no runner)
     */
    public String ping(String token, HeartbeatPing ping, String body) {
        ensureOpen();
        Objects.requireNonNull(ping, "ping");
        String runnerId = engine.heartbeatRunner(token).orElseThrow(() -> new RunnerNotFoundException("?"));
        return engine.ping(runnerId, RunnerEngine.Ping.valueOf(ping.name()), body == null ? "" : body);
    }

    /**
     * Returns a heartbeat runner's ping token (for the people who may edit it: every other answer masks it) with its
     * last ping and its deadline.
     *
     * @param runnerId the runner
     * @return the information, empty when the runner is not a heartbeat runner
     * @throws RunnerNotFoundException when it does not exist
     */
    public Optional<HeartbeatInfo> heartbeat(String runnerId) {
        ensureOpen();
        Runner r = keeper.state().runner(runnerId).orElseThrow(() -> new RunnerNotFoundException(runnerId));
        if (!r.isHeartbeat()) {
            return Optional.empty();
        }
        Instant[] wait = engine.heartbeatDeadline(runnerId).orElse(new Instant[2]);
        return Optional.of(new HeartbeatInfo(runnerId, r.heartbeat().pingToken(), wait[0], wait[1]));
    }

    /**
     * Gives a heartbeat runner a new ping token: the old URL answers 404 from now on.
     *
     * @param runnerId the runner
     * @return the runner's heartbeat with the new token
     * @throws RunnerNotFoundException when it does not exist
     * @throws InvalidInputException   when it is not a heartbeat runner
     */
    public HeartbeatInfo regenerateHeartbeatToken(String runnerId) {
        ensureOpen();
        Runner r = keeper.state().runner(runnerId).orElseThrow(() -> new RunnerNotFoundException(runnerId));
        synchronized (keeper.lock) {
            if (keeper.regenerateHeartbeatToken(runnerId).isEmpty()) {
                throw new InvalidInputException("Runner '" + RunnerEngine.displayName(r) + "' is not a heartbeat "
                        + "check; only a heartbeat runner has a ping URL.");
            }
        }
        return heartbeat(runnerId).orElseThrow();
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
        AppState s = keeper.state();
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
        Optional<RunnerGroup> g = keeper.state().group(groupId);
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
        Map<String, AlertState> alerts = engine.alertStates();
        engine.status().forEach((id, s) -> {
            CaseState lastState = s.lastState();
            CaseState worstState = s.worstState();
            boolean lastStopped = s.lastRunStopped();
            String lastOutcome = s.lastExitCode() == null ? null
                    : lastStopped ? RunRecord.STOPPED : s.lastExitCode() == 0 ? RunRecord.SUCCESS : RunRecord.FAILURE;
            if (!s.running() && s.lastExitCode() == null) {
                // Nothing ran since this start: the health of the last run comes from its record.
                RunRecord before = lastRunBeforeStart(id);
                if (before != null) {
                    lastState = before.lastState() == CaseState.NONE ? null : before.lastState();
                    worstState = before.worstState() == CaseState.NONE ? null : before.worstState();
                    lastStopped = before.stopped();
                    lastOutcome = RunRecord.RUNNING.equals(before.outcome()) ? null : before.outcome();
                }
            }
            out.put(id, new RunnerStatus(s.running(), s.stopped(), s.startedTs(), s.activeTs(), s.tail(),
                    s.remaining(), s.runCount(), s.scheduled(), s.lastCase(), s.lastCaseTs(), s.consecutiveFailures(),
                    s.paused(), s.lastExitCode(), s.lastFinishTs(), s.nextRunTs(), lastState, worstState,
                    lastStopped, lastOutcome, alerts.get(id)));
        });
        return out;
    }

    /** The newest run record of a runner from before this start (read once per runner), or {@code null}. */
    private RunRecord lastRunBeforeStart(String runnerId) {
        Optional<RunRecord> known = lastRunsBeforeStart.get(runnerId);
        if (known == null) {
            try {
                List<RunRecord> newest = store.runs().query(RunQuery.newest(1).runner(runnerId));
                known = newest.isEmpty() ? Optional.empty() : Optional.of(newest.get(0));
            } catch (RuntimeException e) {
                LOG.warn("The last run of runner '{}' could not be read for its status: {}", runnerId, e.toString());
                return null;
            }
            lastRunsBeforeStart.put(runnerId, known);
        }
        return known.orElse(null);
    }

    /** Longest snooze {@link #snooze} accepts: 30 days. */
    public static final Duration MAX_SNOOZE = Duration.ofDays(30);

    /**
     * Acknowledges a runner's current DOWN or WARN: its escalation repeats stop until its state changes (a new
     * state is notified as usual). Who and when are kept across restarts, shown in its status and announced by an
     * {@code alert} event.
     *
     * <pre>{@code
     * mcr.acknowledge("nas-ping", "alice");   // alice is on it: no more "ESCALATION (DOWN)" messages
     * }</pre>
     *
     * @param runnerId the runner
     * @param actor    who acknowledges (a user name)
     * @return the runner's alert state now
     * @throws RunnerNotFoundException       when the runner is unknown
     * @throws NothingToAcknowledgeException when its last alert state is neither DOWN nor WARN
     */
    public AlertState acknowledge(String runnerId, String actor) {
        ensureOpen();
        Objects.requireNonNull(actor, "actor");
        return engine.acknowledge(runnerId, actor);
    }

    /**
     * Mutes a runner's notifications for a while (each muted message is journaled as {@code suppressed}); the
     * runner runs and matches as usual. The end is kept across restarts, shown in its status and announced by an
     * {@code alert} event.
     *
     * @param runnerId the runner
     * @param duration how long, {@link Duration#ZERO} to end a snooze; at most {@link #MAX_SNOOZE}
     * @param actor    who snoozes (a user name)
     * @return the runner's alert state now
     * @throws RunnerNotFoundException when the runner is unknown
     * @throws InvalidInputException   when the duration is negative or longer than {@link #MAX_SNOOZE}
     */
    public AlertState snooze(String runnerId, Duration duration, String actor) {
        ensureOpen();
        Objects.requireNonNull(duration, "duration");
        Objects.requireNonNull(actor, "actor");
        if (duration.isNegative() || duration.compareTo(MAX_SNOOZE) > 0) {
            throw new InvalidInputException("A snooze lasts 0 to " + MAX_SNOOZE.toSeconds() + " seconds (30 days), not "
                    + duration.toSeconds() + ".");
        }
        return engine.snooze(runnerId, duration.isZero() ? null : clock.instant().plus(duration), actor);
    }

    /** One journal row for a message the runner's snooze muted, so that nobody wonders where it went. */
    private void journalSuppressed(Runner runner, String title, String message, Instant until) {
        try {
            store.journal().append(new JournalEntry(0, clock.instant(), runner.id(), "", "",
                    JournalEntry.SUPPRESSED, title, message, "Suppressed by snooze until "
                    + Timestamps.format(until, zone) + "."));
        } catch (RuntimeException e) {
            LOG.error("Could not write the journal row of a snoozed message of runner {}.", runner.id(), e);
        }
    }

    /** Most due times {@link #cronPreview} returns. */
    public static final int MAX_CRON_PREVIEW = 50;

    /**
     * Returns the next due times of a cron expression as a runner's schedule would have them (the same rule across
     * daylight-saving changes), for showing while someone edits it.
     *
     * <pre>{@code
     * mcr.cronPreview("0 3 * * *", "Europe/Berlin", 5);   // the next five 03:00 in Berlin
     * }</pre>
     *
     * @param expression 5 fields, 6 with seconds first, or a macro such as {@code @daily}
     * @param timeZone   an IANA zone name, {@code ""} for this instance's zone
     * @param count      how many, 1..{@value #MAX_CRON_PREVIEW}
     * @return the due times after now, in order
     * @throws InvalidInputException when the expression, the zone or the count is not valid, with a sentence
     */
    public List<Instant> cronPreview(String expression, String timeZone, int count) {
        if (count < 1 || count > MAX_CRON_PREVIEW) {
            throw new InvalidInputException("Ask for 1 to " + MAX_CRON_PREVIEW + " due times, not " + count + ".");
        }
        String zoneName = timeZone == null ? "" : timeZone;
        try {
            Schedule.Cron.check(expression, zoneName);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(e.getMessage());
        }
        Schedule.Cron cron = new Schedule.Cron(expression, zoneName, true, Schedule.Misfire.RUN_ONCE,
                Schedule.Overlap.SKIP, Schedule.FixedDelay.ZERO, Map.of());
        return cron.nextRuns(clock.instant(), zone, count);
    }

    /**
     * Checks a case pattern with the translator the engine runs it with, for marking the field while someone types;
     * every save refuses a new or changed pattern this rejects.
     *
     * <pre>{@code
     * mcr.casePatternError("disk at (\\d+%");   // "missing ), unterminated subpattern at position 8"
     * }</pre>
     *
     * @param pattern a Python {@code re} pattern as a case stores it; empty (the last-line case) is valid
     * @return why the pattern is not valid, or empty when it is
     */
    public Optional<String> casePatternError(String pattern) {
        return CaseMatcher.patternError(pattern);
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
        synchronized (keeper.lock) {
            CloneOutcome r = Transfer.cloneRunner(keeper.state(), runnerId);
            AppState saved = keeper.commitState(r.state(), true);
            return new CloneResult(saved, r.clonedId(), r.clonedName());
        }
    }

    /** Returns an export of runners, groups and layout (never profiles). */
    public ExportFile export() {
        Instant now = clock.instant();
        JsonNode doc = Transfer.export(keeper.state(), now, zone);
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
        synchronized (keeper.lock) {
            ImportResult r = Transfer.importRunners(keeper.state(), body, new ImportRules(importLimits.maxImportBytes(),
                    importLimits.maxImportedRunners(), importLimits.maxTotalRunners(), importLimits.maxCasesPerRunner()));
            keeper.commitState(r.state(), true);
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
        return store.journal().query(query);
    }

    /** Empties the notification journal and returns how many rows were deleted. */
    public int clearNotifications() {
        return store.journal().clear();
    }

    // ------------------------------------------------------------------------------------ run history

    /**
     * Lists run records, newest first, one page at a time. The cursor is the id of the page's oldest run, and run ids
     * sort by start time, so the next page (with {@code query.before(page.next())}) continues where this one ended
     * even while new runs are recorded.
     *
     * <pre>{@code
     * RunPage page = mcr.runs(RunQuery.newest(50).runner("nas-ping"));
     * while (page.next() != null) {
     *     page = mcr.runs(RunQuery.newest(50).runner("nas-ping").before(page.next()));
     * }
     * }</pre>
     *
     * @param query filters, cursor and page size
     * @return the page
     */
    public RunPage runs(RunQuery query) {
        Objects.requireNonNull(query, "query");
        syncHistory();
        List<RunRecord> page = store.runs().query(query);
        if (page.size() < query.limit()) {
            return new RunPage(page, null);
        }
        String last = page.get(page.size() - 1).runId();
        boolean more = !store.runs().query(new RunQuery(query.runnerId(), query.groupId(), query.outcome(),
                query.worstState(), last, 1)).isEmpty();
        return new RunPage(page, more ? last : null);
    }

    /**
     * Lists the newest runs of every runner there is now, newest first, in one read of the store: what a page shows as
     * each runner's strip of recent runs. Deleted runners are left out.
     *
     * @param perRunner at most this many runs per runner, 1 to {@value RunQuery#MAX_LIMIT}
     * @return for each runner with recorded runs, its runs, in the order of the runners in the state
     * @throws IllegalArgumentException when {@code perRunner} is out of range
     */
    public Map<String, List<RunRecord>> newestRuns(int perRunner) {
        List<String> ids = keeper.state().runners().stream().map(Runner::id).toList();
        syncHistory();
        return store.runs().newestPerRunner(ids, perRunner);
    }

    /**
     * Returns the record of one run.
     *
     * @param runId the run
     * @return the record, or empty when there is none (never was, or deleted by retention)
     */
    public Optional<RunRecord> run(String runId) {
        Objects.requireNonNull(runId, "runId");
        syncHistory();
        return store.runs().find(runId);
    }

    /**
     * Opens the kept output of a run, as it was printed (stdout and stderr merged, one line per {@code \n}). The
     * output of a run in progress is what was written so far.
     *
     * @param runId     the run
     * @param tailLines 0 for all of it, otherwise only its last this many lines
     * @return the bytes; close the content when done
     * @throws RunNotFoundException     when there is no record of the run, or its output was dropped by retention
     * @throws IllegalArgumentException when {@code tailLines} is negative
     */
    public LogContent runOutput(String runId, int tailLines) {
        RunRecord r = run(runId).orElseThrow(() -> RunNotFoundException.noRecord(runId));
        LogSlice slice = r.outputKept() ? runOutputs.open(r.runId(), tailLines) : null;
        if (slice == null) {
            if (r.outputLines() == 0 && r.outputKept()) {
                return LogContent.empty();
            }
            throw new RunNotFoundException(runId, "The output of run '" + runId + "' is no longer kept (the history "
                    + "keeps at most its configured amount of output, the oldest goes first).");
        }
        return new LogContent(slice.stream(), slice.length());
    }

    /**
     * Sums up a runner's runs that started within a window: counts, success rate, durations, the current streak.
     *
     * @param runnerId the runner (a deleted runner's history still counts)
     * @param window   how far back, for example {@code Duration.ofDays(7)}
     * @return the statistics
     * @throws RunnerNotFoundException when the runner neither exists nor has records
     */
    public RunStats runStats(String runnerId, Duration window) {
        Objects.requireNonNull(window, "window");
        syncHistory();
        List<RunRecord> rows = store.runs().since(Objects.requireNonNull(runnerId, "runnerId"),
                clock.instant().minus(window));
        if (rows.isEmpty() && keeper.state().runners().stream().noneMatch(r -> r.id().equals(runnerId))
                && store.runs().query(RunQuery.newest(1).runner(runnerId)).isEmpty()) {
            throw new RunnerNotFoundException(runnerId);
        }
        return RunStatistics.of(rows);
    }

    /**
     * Calls a listener with every run record completed from now on, on the run's reader thread right after the record
     * is stored (metrics count runs with it). It must be quick; one that throws is logged. Nothing is called when the
     * history is off ({@link Builder#recordRuns(boolean)}).
     *
     * @param listener the listener
     */
    public void onRunRecorded(Consumer<RunRecord> listener) {
        Objects.requireNonNull(listener, "listener");
        if (recorder != null) {
            recorder.onRecorded(listener);
        }
    }

    /**
     * Asks the store a question that needs it to answer (readiness).
     *
     * @throws McrException when the store does not answer
     */
    public void checkStore() {
        ensureOpen();
        store.runs().query(RunQuery.newest(1));
    }

    /** Lets a read see every record written for what was published before. */
    private void syncHistory() {
        if (recorder != null) {
            recorder.sync();
        }
    }

    private boolean hasCronSchedule(String runnerId) {
        return keeper.state().runner(runnerId).map(r -> r.timing().schedule() instanceof Schedule.Cron).orElse(false);
    }

    private String runnerName(String runnerId) {
        for (Runner r : keeper.state().runners()) {
            if (r.id().equals(runnerId)) {
                return RunnerEngine.displayName(r);
            }
        }
        return runnerId;
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

    /**
     * Returns how many events subscribers lost because they did not keep up (their queue was full), since this
     * instance started.
     *
     * @return the count
     */
    public long eventsDropped() {
        return bus.droppedTotal();
    }

    /**
     * Returns the notification delivery attempts since this instance started (test sends included).
     *
     * @return profile type to result ({@code success} or {@code error}) to count
     */
    public Map<String, Map<String, Long>> notificationAttempts() {
        return dispatcher.attempts();
    }

    /**
     * Returns how many notifications wait for delivery.
     *
     * @return the queue's length
     */
    public int notificationQueueDepth() {
        return dispatcher.queueDepth();
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
                if (recorder != null) {
                    recorder.close();
                }
                liveRuns.flush();
                dispatcher.close();
            } finally {
                bus.close();
                if (ownScheduler) {
                    scheduler.shutdownNow();
                }
                if (ownStore) {
                    store.close();
                }
            }
        }
    }

    /**
     * Registry the notification worker reads and updates profiles through: counters are set in place, a profile it
     * disables is a new version.
     */
    private final class Profiles implements ProfileRegistry {
        @Override
        public Optional<NotifyProfile> find(String profileId) {
            return keeper.state().profile(profileId);
        }

        @Override
        public Optional<NotifyProfile> update(String profileId, UnaryOperator<NotifyProfile> change) {
            return keeper.updateProfile(profileId, change);
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
        String publicUrl = "";
        Map<String, URI> channelApiOverrides = new LinkedHashMap<>();
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
        boolean recordRuns = true;
        RunRetention runRetention = RunRetention.DEFAULTS;
        String node = defaultNode();
        ScheduledExecutorService scheduler;
        Store store;
        int passwordIterations = Access.DEFAULT_PASSWORD_ITERATIONS;
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

        /**
         * Sets the credential key: a Fernet key or any passphrase (else {@code .credentials.key} is used), or several
         * separated by commas, the new one first: it encrypts, all decrypt (see {@link Mcr#rotateKeys()}).
         */
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
         * Keeps the configuration, journal and runtime values in the caller's store instead of the default SQLite
         * store ({@code app.db} in the data folder). The data folder is still used for run logs and the key file. The
         * store is never closed by {@link Mcr#close()}: its owner closes it after the instance.
         *
         * @param store the store, or {@code null} for the default
         * @return this builder
         */
        public Builder store(Store store) {
            this.store = store;
            return this;
        }

        /**
         * Sets the PBKDF2 iterations of new password hashes of {@link Mcr#access()}; default
         * {@value Access#DEFAULT_PASSWORD_ITERATIONS}. Lower it in tests only.
         *
         * @param iterations 1000 or more
         * @return this builder
         */
        public Builder passwordIterations(int iterations) {
            if (iterations < 1000) {
                throw new IllegalArgumentException("passwordIterations must be 1000 or more.");
            }
            this.passwordIterations = iterations;
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

        /**
         * Sets how much run history is kept: records per runner, their age, the output of all runs together. Default
         * {@link RunRetention#DEFAULTS} (1000 runs per runner, 90 days, 1 GiB).
         *
         * @param retention the bounds
         * @return this builder
         */
        public Builder runRetention(RunRetention retention) {
            this.runRetention = retention;
            return this;
        }

        /**
         * Turns the run history (a record and the output of every run, {@link Mcr#runs}) on or off; default on. Off,
         * the records of earlier runs stay readable and new runs are not recorded.
         *
         * @param recordRuns whether runs are recorded
         * @return this builder
         */
        public Builder recordRuns(boolean recordRuns) {
            this.recordRuns = recordRuns;
            return this;
        }

        /**
         * Sets the name of this server written into every run record ({@code node}); default the host name.
         *
         * @param node a name, not blank
         * @return this builder
         */
        public Builder node(String node) {
            this.node = node;
            return this;
        }

        /** The kernel's host name without a DNS lookup (which may hang), or {@code "localhost"}. */
        private static String defaultNode() {
            try {
                String name = java.nio.file.Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
                return name.isEmpty() ? "localhost" : name;
            } catch (java.io.IOException | RuntimeException e) {
                return "localhost";
            }
        }

        /**
         * Registers a channel type (replaces the built-in one of the same type): its declared fields are validated on
         * every save, its secret fields encrypted and masked, and it gets its own queue and worker.
         *
         * @param notifier the channel
         * @return this builder
         */
        public Builder notifier(Notifier notifier) {
            this.notifiers.add(Objects.requireNonNull(notifier, "notifier"));
            return this;
        }

        /**
         * Sets the page's public URL ({@code MCR_PUBLIC_URL}, for example {@code https://mcr.example.org/}); each
         * notification then carries the link {@code <url>#runner/<id>}. Empty (the default) means no link.
         *
         * @param publicUrl an absolute http or https URL, or {@code ""}
         * @return this builder
         */
        public Builder publicUrl(String publicUrl) {
            this.publicUrl = publicUrl == null ? "" : publicUrl.strip();
            return this;
        }

        /**
         * Points the API of a built-in channel elsewhere, for tests with a local stand-in: {@code "telegram"} (the
         * Bot API base, {@code https://api.telegram.org}) is the one that has a fixed remote.
         *
         * @param type the channel type
         * @param base the base URL
         * @return this builder
         */
        public Builder channelApi(String type, URI base) {
            this.channelApiOverrides.put(type, base);
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
            require(publicUrl.isEmpty() || ChannelCatalog.httpUrlProblem(publicUrl) == null,
                    "publicUrl must be an http or https URL, not '" + publicUrl + "'.");
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
            require(runRetention != null, "runRetention must not be null; use RunRetention.DEFAULTS.");
            require(node != null && !node.isBlank(), "node must be a name, for example the host name.");
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
