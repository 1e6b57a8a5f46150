package dev.mcr;

import dev.mcr.event.GroupStatus;
import dev.mcr.event.McrEvent;
import dev.mcr.event.Subscription;
import dev.mcr.model.AppState;
import dev.mcr.model.Runner;
import dev.mcr.notify.Notifier;
import dev.mcr.notify.TestSendResult;
import dev.mcr.runtime.RunnerStatus;
import dev.mcr.store.JournalEntry;
import dev.mcr.store.JournalQuery;
import dev.mcr.transfer.CloneResult;
import dev.mcr.transfer.ImportLimits;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;

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

    private Mcr(Builder b) {
        throw new UnsupportedOperationException("The engine is not built yet.");
    }

    /** Returns a builder with the defaults of the original tool. */
    public static Builder builder() {
        return new Builder();
    }

    /** Returns the data folder. */
    public Path dataDir() {
        throw new UnsupportedOperationException();
    }

    /** Returns the zone timestamps are written in. */
    public ZoneId zone() {
        throw new UnsupportedOperationException();
    }

    /** Returns the current state with secrets in clear (for code that embeds mcr). */
    public AppState state() {
        throw new UnsupportedOperationException();
    }

    /** Returns the current state with every non-empty secret replaced by {@code __SECRET_SET__} (for clients). */
    public AppState maskedState() {
        throw new UnsupportedOperationException();
    }

    /**
     * Saves a state sent by a client: {@code __SECRET_SET__} keeps stored secrets, server-owned
     * counters are kept, the result is normalized and persisted, running and scheduled runners pick
     * up their new settings, and runners that disappeared are stopped and purged.
     *
     * @param incoming the new state
     */
    public void saveState(AppState incoming) {
        throw new UnsupportedOperationException();
    }

    /**
     * Like {@link #saveState(AppState)} for a raw JSON document; odd values are normalized, never rejected.
     *
     * @param raw the state document
     */
    public void saveState(JsonNode raw) {
        throw new UnsupportedOperationException();
    }

    /**
     * Adds a runner, or replaces the runner with the same id, and saves.
     *
     * @param runner the runner
     * @return the runner as stored (normalized)
     */
    public Runner saveRunner(Runner runner) {
        throw new UnsupportedOperationException();
    }

    /**
     * Starts a runner by hand.
     *
     * @param runnerId the runner
     * @throws RunnerNotFoundException when it does not exist
     * @throws RunnerBusyException     when it has a live process
     * @throws McrException            when the process cannot be spawned
     */
    public void start(String runnerId) {
        throw new UnsupportedOperationException();
    }

    /**
     * Stops a runner: cancels a pending start and stops its process group (SIGINT, 1.5 s, SIGTERM,
     * 2 s, SIGKILL). Returns at once; the {@code finished} event follows.
     *
     * @param runnerId the runner (unknown ids are accepted, like the original)
     */
    public void stop(String runnerId) {
        throw new UnsupportedOperationException();
    }

    /**
     * Runs a group's active members one after another as one-shot runs.
     *
     * @param groupId the group
     * @throws NotFoundException      when the group does not exist
     * @throws InvalidStateException  when it has no active runners
     * @throws ConflictException      when it or one of its members is running or scheduled
     */
    public void startGroup(String groupId) {
        throw new UnsupportedOperationException();
    }

    /**
     * Stops a group's sequence and every member.
     *
     * @param groupId the group
     * @throws NotFoundException when the group is neither configured nor known from a snapshot
     */
    public void stopGroup(String groupId) {
        throw new UnsupportedOperationException();
    }

    /** Returns the status of every known runner, by id. */
    public Map<String, RunnerStatus> status() {
        throw new UnsupportedOperationException();
    }

    /** Returns the last group status of every group that ran, by id. */
    public Map<String, GroupStatus> groupSnapshot() {
        throw new UnsupportedOperationException();
    }

    /**
     * Clones a runner and saves at once.
     *
     * @param runnerId the source
     * @return the clone's id and name
     * @throws RunnerNotFoundException when it does not exist
     */
    public CloneResult cloneRunner(String runnerId) {
        throw new UnsupportedOperationException();
    }

    /** Returns an export of runners, groups and layout (never profiles). */
    public ExportFile export() {
        throw new UnsupportedOperationException();
    }

    /**
     * Imports an export file, appending its runners and groups with new ids. All or nothing.
     *
     * @param body the raw file
     * @return how many runners were imported
     * @throws PayloadTooLargeException over the import size limit
     * @throws InvalidStateException    for invalid content, with a precise message
     */
    public int importRunners(byte[] body) {
        throw new UnsupportedOperationException();
    }

    /**
     * Returns a runner's log text (an empty log file is created if needed).
     *
     * @param runnerId any id; it is reduced to {@code [A-Za-z0-9_-]} and never leaves the data folder
     * @return the text
     */
    public String readLog(String runnerId) {
        throw new UnsupportedOperationException();
    }

    /**
     * Empties a runner's log.
     *
     * @param runnerId any id; it is reduced to {@code [A-Za-z0-9_-]} and never leaves the data folder
     */
    public void clearLog(String runnerId) {
        throw new UnsupportedOperationException();
    }

    /**
     * Queries the notification journal, newest first.
     *
     * @param query filters and limit
     * @return the rows
     */
    public List<JournalEntry> notifications(JournalQuery query) {
        throw new UnsupportedOperationException();
    }

    /** Empties the notification journal and returns how many rows were deleted. */
    public int clearNotifications() {
        throw new UnsupportedOperationException();
    }

    /**
     * Sends a test message through a profile, synchronously, with the usual accounting and journal.
     *
     * @param profileId the profile
     * @param message   the text; blank means {@code "Pushover Test OK @ <ts>"}
     * @return the outcome
     * @throws NotFoundException when the profile does not exist
     */
    public TestSendResult sendTest(String profileId, String message) {
        throw new UnsupportedOperationException();
    }

    /**
     * Opens a pull subscription to all events.
     *
     * @return the subscription; close it when done
     * @throws UnavailableException when the subscriber limit is reached
     */
    public Subscription openSubscription() {
        throw new UnsupportedOperationException();
    }

    /**
     * Calls a listener for every event on its own thread.
     *
     * @param listener the listener
     * @return the subscription; close it to stop
     */
    public Subscription subscribe(Consumer<? super McrEvent> listener) {
        throw new UnsupportedOperationException();
    }

    /** Stops every runner and group, stops scheduling and notifications, closes the store; idempotent. */
    @Override
    public void close() {
        throw new UnsupportedOperationException();
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

        Path dataDir = DEFAULT_DATA_DIR;
        Clock clock = Clock.systemDefaultZone();
        List<String> shell = DEFAULT_SHELL;
        String secretKey;
        URI pushoverUrl = DEFAULT_PUSHOVER_URL;
        int maxOutputLines = DEFAULT_MAX_OUTPUT_LINES;
        Duration runtimeStatusSaveInterval = DEFAULT_RUNTIME_STATUS_SAVE_INTERVAL;
        ImportLimits importLimits = ImportLimits.DEFAULTS;
        int maxSubscribers = 100;
        int eventQueueCapacity = 7000;
        int notifyQueueCapacity = DEFAULT_NOTIFY_QUEUE_CAPACITY;
        boolean seedDemo = true;
        ScheduledExecutorService scheduler;
        final List<Notifier> notifiers = new ArrayList<>();

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

        /** Sets the import limits. */
        public Builder importLimits(ImportLimits limits) {
            this.importLimits = limits;
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

        /** Turns seeding the two demo runners into an empty store on or off (default on). */
        public Builder seedDemo(boolean seedDemo) {
            this.seedDemo = seedDemo;
            return this;
        }

        /** Uses the caller's scheduler instead of an own one; it is never shut down by {@link Mcr#close()}. */
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
            return new Mcr(this);
        }
    }
}
