package dev.mcr.delivery;

import dev.mcr.error.ProfileNotFoundException;
import dev.mcr.event.CaseError;
import dev.mcr.event.McrEvent;
import dev.mcr.event.NotifyProfileAutoDisabled;
import dev.mcr.event.NotifyProfileStatus;
import dev.mcr.model.NotifyProfile;
import dev.mcr.model.Timestamps;
import dev.mcr.notify.Notifier;
import dev.mcr.notify.NotifyException;
import dev.mcr.store.JournalEntry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers notifications asynchronously, in order, on one daemon thread named {@value #THREAD_NAME},
 * and keeps each profile's counters, the journal and the events exactly as the original tool did.
 *
 * <p>{@link #enqueue} never blocks: it filters the targets (missing, inactive, unsupported or
 * unconfigured profiles are skipped silently) and offers one item per target to a bounded queue; when
 * the queue is full the item is dropped and a {@link CaseError} {@value #QUEUE_FULL_ERROR} is published.
 * The worker re-reads each profile before sending, honours "updates only" (a message identical to the
 * last one successfully sent for the same runner and profile is skipped), sends, then:
 * <ul>
 *   <li>success: {@code sent_count + 1}, {@code failure_count = 0};</li>
 *   <li>failure: {@code failure_count + 1}; the {@value NotifyProfile#AUTO_DISABLE_FAILURES}rd consecutive
 *       failure of an active profile sets it inactive (auto-disable, once);</li>
 *   <li>one {@link JournalEntry} per attempt; events {@link NotifyProfileStatus}, on failure also
 *       {@link CaseError} {@code "Pushover failed: <error>"} and, when it happened,
 *       {@link NotifyProfileAutoDisabled}, in that order.</li>
 * </ul>
 * Error texts never contain a profile's credentials: every config value of the profile is replaced by
 * {@code ***}. A notifier that throws a {@link RuntimeException} counts as a failed delivery; the worker
 * logs it and goes on.
 *
 * <p>Events are passed to the consumer on the worker thread, except the queue-full event (on the thread
 * that calls {@link #enqueue}) and the events of {@link #sendTest} (on its caller's thread). A consumer
 * that throws is logged and ignored.
 *
 * <pre>{@code
 * try (NotificationDispatcher dispatcher = new NotificationDispatcher(
 *         List.of(new PushoverNotifier(PushoverNotifier.DEFAULT_ENDPOINT)), profiles, journal, bus::publish,
 *         Clock.systemDefaultZone(), NotificationDispatcher.DEFAULT_QUEUE_CAPACITY)) {
 *     dispatcher.enqueue(runner.id(), "DOWN", NotifyTarget.of(runner), runner.name(), "NAS is unreachable");
 * }
 * }</pre>
 */
public final class NotificationDispatcher implements AutoCloseable {

    /** Default capacity of the delivery queue, as in the original. */
    public static final int DEFAULT_QUEUE_CAPACITY = 7000;
    /** Name of the worker thread. */
    public static final String THREAD_NAME = "mcr-notify";
    /** The {@link CaseError} text published when the queue is full. */
    public static final String QUEUE_FULL_ERROR = "Notification queue full (dropped).";
    /** Title of a test send. */
    public static final String TEST_TITLE = "Pushover Test";
    /** Beginning of the default message of a test send; the timestamp follows. */
    public static final String TEST_MESSAGE_PREFIX = "Pushover Test OK @ ";
    /** Error of a test send through an inactive profile. */
    public static final String INACTIVE_ERROR = "Service is inactive. Please activate it first.";

    /** How long {@link #close()} lets the item in flight finish, before and after interrupting it. */
    private static final Duration CLOSE_GRACE = Duration.ofSeconds(2);
    private static final Logger LOG = LoggerFactory.getLogger(NotificationDispatcher.class);
    /** Wakes the worker at close; compared by identity. */
    private static final Item STOP = new Item("", "", "", false, "", "");

    private final Map<String, Notifier> notifiers;
    private final ProfileRegistry profiles;
    private final JournalSink journal;
    /** Delivery attempts since start, by profile type and result ({@code success} or {@code error}). */
    private final java.util.concurrent.ConcurrentMap<String, java.util.concurrent.ConcurrentMap<String,
            java.util.concurrent.atomic.LongAdder>> attempts = new java.util.concurrent.ConcurrentHashMap<>();
    private final Consumer<McrEvent> events;
    private final Clock clock;
    private final BlockingQueue<Item> queue;
    /** Last message successfully sent per (runner, profile); in memory only, like the original. */
    private final Map<PairKey, String> lastSent = new ConcurrentHashMap<>();
    private final AtomicBoolean closing = new AtomicBoolean();
    private volatile boolean closed;
    private final Thread worker;

    /**
     * Creates the dispatcher and starts its worker thread.
     *
     * @param notifiers     one notifier per profile type (a later one replaces an earlier one of the same type)
     * @param profiles      where profiles are read and their counters persisted
     * @param journal       where one row per delivery attempt is written
     * @param events        receives the events (see the class description for the threads)
     * @param clock         source of timestamps; its zone formats the default test message
     * @param queueCapacity how many items may wait; at least 1 ({@link #DEFAULT_QUEUE_CAPACITY} normally)
     * @throws IllegalArgumentException when the capacity is below 1 or a notifier has a blank type
     */
    public NotificationDispatcher(List<Notifier> notifiers, ProfileRegistry profiles, JournalSink journal,
                                  Consumer<McrEvent> events, Clock clock, int queueCapacity) {
        Objects.requireNonNull(notifiers, "notifiers");
        this.profiles = Objects.requireNonNull(profiles, "profiles");
        this.journal = Objects.requireNonNull(journal, "journal");
        this.events = Objects.requireNonNull(events, "events");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (queueCapacity < 1) {
            throw new IllegalArgumentException("The notification queue capacity must be at least 1, not " + queueCapacity + ".");
        }
        Map<String, Notifier> byType = new HashMap<>();
        for (Notifier notifier : notifiers) {
            Objects.requireNonNull(notifier, "notifier");
            String type = notifier.type();
            if (type == null || type.isBlank()) {
                throw new IllegalArgumentException("A notifier must name a non-blank profile type.");
            }
            byType.put(typeKey(type), notifier);
        }
        this.notifiers = Map.copyOf(byType);
        this.queue = new ArrayBlockingQueue<>(queueCapacity);
        this.worker = new Thread(this::work, THREAD_NAME);
        this.worker.setDaemon(true);
        // Runtime exceptions are handled per item; only an Error can end the worker, and it must not go unnoticed.
        this.worker.setUncaughtExceptionHandler((t, e) -> LOG.error("The notification worker stopped; no more notifications are sent.", e));
        this.worker.start();
    }

    /**
     * Returns the delivery attempts since start (test sends included), by profile type and result.
     *
     * @return type to result ({@code success}, {@code error}) to count; a snapshot
     */
    public Map<String, Map<String, Long>> attempts() {
        Map<String, Map<String, Long>> out = new java.util.TreeMap<>();
        attempts.forEach((type, byResult) -> {
            Map<String, Long> m = new java.util.TreeMap<>();
            byResult.forEach((result, n) -> m.put(result, n.sum()));
            out.put(type, m);
        });
        return out;
    }

    /** Returns how many messages wait for delivery. */
    public int queueDepth() {
        return queue.size();
    }

    /**
     * Queues a message for each usable target; never blocks. Targets whose profile is missing, inactive,
     * of a type without notifier or not configured are skipped silently. After {@link #close()} nothing
     * is queued.
     *
     * @param runnerId the runner that produced the message
     * @param pattern  the case pattern (or {@code __on_finish__}), reported with errors
     * @param targets  the runner's targets, see {@link NotifyTarget#of}
     * @param title    the notification title ({@code null} means empty)
     * @param message  the notification text ({@code null} means empty)
     */
    public void enqueue(String runnerId, String pattern, List<NotifyTarget> targets, String title, String message) {
        Objects.requireNonNull(runnerId, "runnerId");
        Objects.requireNonNull(targets, "targets");
        String safePattern = pattern == null ? "" : pattern;
        String safeTitle = title == null ? "" : title;
        String safeMessage = message == null ? "" : message;
        for (NotifyTarget target : targets) {
            if (closed) {
                LOG.debug("Notification for runner {} not queued: the dispatcher is closed.", runnerId);
                return;
            }
            if (target == null) {
                continue;
            }
            Optional<NotifyProfile> profile = find(target.profileId());
            if (profile.isEmpty() || !profile.get().active() || !usable(profile.get())) {
                continue;
            }
            Item item = new Item(runnerId, safePattern, target.profileId(), target.updatesOnly(), safeTitle, safeMessage);
            if (!queue.offer(item)) {
                LOG.warn("Notification queue is full; a message of runner {} to profile {} was dropped.",
                        runnerId, target.profileId());
                publish(new CaseError(runnerId, safePattern, QUEUE_FULL_ERROR));
            }
        }
    }

    /**
     * Sends a test message synchronously through a profile, with the same counters, journal row (runner id
     * {@value JournalEntry#MANUAL_TEST_RUNNER_ID}) and events as a normal delivery, but no {@link CaseError}.
     * An unconfigured profile is still sent to and fails (for Pushover with
     * {@code "Missing pushover_user_key or pushover_api_token"}), which counts towards auto-disable.
     *
     * @param profileId the profile id
     * @param message   the text; blank means {@value #TEST_MESSAGE_PREFIX}{@code <timestamp>}
     * @return {@code (true, result, null)}, or {@code (false, {}, error)}: {@value #INACTIVE_ERROR},
     *         {@code "Unsupported notification type: <type>"} or the delivery error
     * @throws ProfileNotFoundException when the profile does not exist
     */
    public TestSendOutcome sendTest(String profileId, String message) {
        NotifyProfile profile = profileId == null || profileId.isBlank()
                ? null : profiles.find(profileId.strip()).orElse(null);
        if (profile == null) {
            throw new ProfileNotFoundException(profileId);
        }
        Notifier notifier = notifierFor(profile);
        if (notifier == null) {
            return new TestSendOutcome(false, Map.of(), "Unsupported notification type: " + profile.type());
        }
        if (!profile.active()) {
            return new TestSendOutcome(false, Map.of(), INACTIVE_ERROR);
        }
        String text = message == null ? "" : message.strip();
        if (text.isEmpty()) {
            text = TEST_MESSAGE_PREFIX + Timestamps.format(clock.instant(), clock.getZone());
        }
        Attempt attempt = attempt(notifier, profile, TEST_TITLE, text);
        Recorded recorded = record(profile, JournalEntry.MANUAL_TEST_RUNNER_ID, TEST_TITLE, text, attempt);
        if (attempt.succeeded()) {
            return new TestSendOutcome(true, attempt.result(), null);
        }
        recorded.autoDisabled().ifPresent(this::publish);
        return new TestSendOutcome(false, Map.of(), attempt.error());
    }

    /**
     * Returns how many items wait in the queue, not counting the one being sent.
     *
     * @return the number of waiting items
     */
    public int queued() {
        return queue.size();
    }

    /**
     * Stops accepting messages, drops the waiting ones, lets the item in flight finish (waiting up to
     * 2 s), then interrupts the worker and waits up to 2 s more. Idempotent; if the calling thread is
     * interrupted meanwhile, its flag is set again.
     */
    @Override
    public void close() {
        if (!closing.compareAndSet(false, true)) {
            return;
        }
        closed = true;
        queue.clear();
        queue.offer(STOP);
        if (Thread.currentThread() == worker) {
            return;
        }
        boolean interrupted = false;
        try {
            worker.join(CLOSE_GRACE.toMillis());
            if (worker.isAlive()) {
                worker.interrupt();
                worker.join(CLOSE_GRACE.toMillis());
            }
        } catch (InterruptedException e) {
            interrupted = true;
            worker.interrupt();
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        if (worker.isAlive()) {
            LOG.warn("The notification worker did not stop in time; it is a daemon thread and ends with the JVM.");
        } else {
            queue.clear();
        }
    }

    private void work() {
        while (true) {
            Item item;
            try {
                item = queue.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (closed || item == STOP) {
                return;
            }
            try {
                deliver(item);
            } catch (RuntimeException e) {
                LOG.error("Delivering a notification of runner {} to profile {} failed unexpectedly.",
                        item.runnerId(), item.profileId(), e);
            }
        }
    }

    private void deliver(Item item) {
        Optional<NotifyProfile> current = find(item.profileId());
        if (current.isEmpty() || !current.get().active() || !usable(current.get())) {
            return;
        }
        NotifyProfile profile = current.get();
        PairKey key = new PairKey(item.runnerId(), item.profileId());
        if (item.updatesOnly() && lastSent.getOrDefault(key, "").equals(item.message())) {
            return;
        }
        Attempt attempt = attempt(notifierFor(profile), profile, item.title(), item.message());
        if (closed && Thread.currentThread().isInterrupted()) {
            LOG.info("Notification of runner {} to profile {} abandoned at shutdown.", item.runnerId(), item.profileId());
            return;
        }
        if (attempt.succeeded()) {
            lastSent.put(key, item.message());
        }
        Recorded recorded = record(profile, item.runnerId(), item.title(), item.message(), attempt);
        if (!attempt.succeeded()) {
            publish(new CaseError(item.runnerId(), item.pattern(), typeLabel(profile.type()) + " failed: " + attempt.error()));
            recorded.autoDisabled().ifPresent(this::publish);
        }
    }

    /** Sends once; every failure becomes a scrubbed error text. */
    private Attempt attempt(Notifier notifier, NotifyProfile profile, String title, String message) {
        Instant ts = clock.instant();
        try {
            Map<String, Object> result = notifier.send(profile, title, message);
            return new Attempt(ts, result == null ? Map.of() : result, null);
        } catch (NotifyException e) {
            String error = e.getMessage() == null || e.getMessage().isBlank() ? "Delivery failed." : e.getMessage();
            error = scrub(error, profile);
            LOG.warn("Notification to profile {} failed: {}", profile.id(), error);
            return new Attempt(ts, Map.of(), error);
        } catch (RuntimeException e) {
            String detail = e.getMessage() == null || e.getMessage().isBlank() ? "" : ": " + e.getMessage();
            String error = scrub("Unexpected " + e.getClass().getSimpleName() + detail, profile);
            // The throwable is not logged: its message or stack could carry a secret.
            LOG.warn("Notifier '{}' threw for profile {}: {}", notifier.type(), profile.id(), error);
            return new Attempt(ts, Map.of(), error);
        }
    }

    /** Updates the counters, writes the journal row and publishes the status event. */
    private Recorded record(NotifyProfile seen, String runnerId, String title, String message, Attempt attempt) {
        boolean success = attempt.succeeded();
        attempts.computeIfAbsent(seen.type(), t -> new java.util.concurrent.ConcurrentHashMap<>())
                .computeIfAbsent(success ? JournalEntry.SUCCESS : JournalEntry.ERROR,
                        r -> new java.util.concurrent.atomic.LongAdder()).increment();
        AtomicBoolean disabled = new AtomicBoolean();
        Optional<NotifyProfile> updated;
        try {
            updated = profiles.update(seen.id(), p -> {
                if (success) {
                    disabled.set(false);
                    return p.withCounters(p.active(), 0, increment(p.sentCount()));
                }
                int failures = increment(p.failureCount());
                boolean disable = p.active() && failures >= NotifyProfile.AUTO_DISABLE_FAILURES;
                disabled.set(disable);
                return p.withCounters(p.active() && !disable, failures, p.sentCount());
            });
            if (updated == null) {
                updated = Optional.empty();
            }
        } catch (RuntimeException e) {
            LOG.error("Could not save the counters of notification profile {}.", seen.id(), e);
            updated = Optional.empty();
        }
        String name = updated.map(NotifyProfile::name).orElse(seen.name());
        try {
            journal.append(new JournalEntry(0, attempt.ts(), runnerId, seen.id(), name,
                    success ? JournalEntry.SUCCESS : JournalEntry.ERROR, title, message, success ? "" : attempt.error()));
        } catch (RuntimeException e) {
            LOG.error("Could not write the notification journal row for profile {}.", seen.id(), e);
        }
        if (updated.isEmpty()) {
            return new Recorded(Optional.empty());
        }
        NotifyProfile u = updated.get();
        publish(new NotifyProfileStatus(runnerId, u.id(), u.name(), u.active(), u.failureCount(), u.sentCount(),
                success ? JournalEntry.SUCCESS : JournalEntry.ERROR, success ? null : attempt.error(),
                !success && disabled.get(), title, message, attempt.ts()));
        if (success || !disabled.get()) {
            return new Recorded(Optional.empty());
        }
        return new Recorded(Optional.of(new NotifyProfileAutoDisabled(u.id(), u.name(), u.failureCount(),
                u.sentCount(), attempt.error(), attempt.ts())));
    }

    private Optional<NotifyProfile> find(String profileId) {
        try {
            Optional<NotifyProfile> profile = profiles.find(profileId);
            return profile == null ? Optional.empty() : profile;
        } catch (RuntimeException e) {
            LOG.error("Could not read notification profile {}.", profileId, e);
            return Optional.empty();
        }
    }

    /** Whether a notifier exists for the profile's type and says the profile is configured. */
    private boolean usable(NotifyProfile profile) {
        Notifier notifier = notifierFor(profile);
        if (notifier == null) {
            return false;
        }
        try {
            return notifier.isConfigured(profile);
        } catch (RuntimeException e) {
            LOG.warn("Notifier '{}' could not tell whether profile {} is configured ({}); skipped.",
                    notifier.type(), profile.id(), e.getClass().getSimpleName());
            return false;
        }
    }

    private Notifier notifierFor(NotifyProfile profile) {
        return notifiers.get(typeKey(profile.type()));
    }

    private void publish(McrEvent event) {
        try {
            events.accept(event);
        } catch (RuntimeException e) {
            LOG.warn("An event consumer failed on a {} event.", event.type(), e);
        }
    }

    private static String scrub(String text, NotifyProfile profile) {
        return Secrets.scrub(text, profile.config().values());
    }

    private static String typeKey(String type) {
        return type == null ? "" : type.strip().toLowerCase(Locale.ROOT);
    }

    /** "pushover" becomes "Pushover", as in the original's "Pushover failed: …". */
    private static String typeLabel(String type) {
        String t = type == null ? "" : type.strip();
        if (t.isEmpty()) {
            return "Notification";
        }
        int first = t.codePointAt(0);
        return new String(Character.toChars(Character.toUpperCase(first))) + t.substring(Character.charCount(first));
    }

    private static int increment(int count) {
        return count == Integer.MAX_VALUE ? count : count + 1;
    }

    private record Item(String runnerId, String pattern, String profileId, boolean updatesOnly, String title,
                        String message) {
    }

    private record PairKey(String runnerId, String profileId) {
    }

    /** One send: {@code error} is null on success. */
    private record Attempt(Instant ts, Map<String, Object> result, String error) {
        boolean succeeded() {
            return error == null;
        }
    }

    private record Recorded(Optional<NotifyProfileAutoDisabled> autoDisabled) {
    }
}
