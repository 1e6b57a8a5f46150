package dev.mcr.delivery;

import dev.mcr.error.ProfileNotFoundException;
import dev.mcr.event.CaseError;
import dev.mcr.event.McrEvent;
import dev.mcr.event.NotifyProfileAutoDisabled;
import dev.mcr.event.NotifyProfileStatus;
import dev.mcr.model.NotifyProfile;
import dev.mcr.model.Timestamps;
import dev.mcr.notify.Notification;
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
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers notifications asynchronously, one bounded queue and one daemon worker thread per channel type (named
 * {@value #THREAD_PREFIX}{@code <type>}), so a slow or hanging channel delays only its own messages, and keeps each
 * profile's counters, the journal and the events exactly as the original tool did.
 *
 * <p>{@link #enqueue} never blocks: it filters the targets (missing, inactive, unsupported or
 * unconfigured profiles are skipped silently) and offers one item per target to the queue of its type; when
 * that queue is full the item is dropped and a {@link CaseError} {@value #QUEUE_FULL_ERROR} is published.
 * The worker re-reads each profile before sending, honours "updates only" (a message identical to the
 * last one successfully sent for the same runner and profile is skipped) and the profile's {@link QuietHours}
 * (a held-back message gets a journal row {@value JournalEntry#SUPPRESSED} and changes no counter), sends, and
 * when the channel reports a {@linkplain NotifyException#isTransient() transient} failure it queues the item again
 * after the back-off of its {@link RetryPolicy} (on the given scheduler) without counting it; otherwise:
 * <ul>
 *   <li>success: {@code sent_count + 1}, {@code failure_count = 0};</li>
 *   <li>failure: {@code failure_count + 1}; the {@value NotifyProfile#AUTO_DISABLE_FAILURES}rd consecutive
 *       failure of an active profile sets it inactive (auto-disable, once);</li>
 *   <li>one {@link JournalEntry} per attempt; events {@link NotifyProfileStatus}, on failure also
 *       {@link CaseError} {@code "Pushover failed: <error>"} and, when it happened,
 *       {@link NotifyProfileAutoDisabled}, in that order.</li>
 * </ul>
 * Error texts never contain a profile's credentials: the values of its secret fields (for a channel without
 * declared fields, every config value) are replaced by {@code ***}. A notifier that throws a
 * {@link RuntimeException} counts as a failed delivery; the worker logs it and goes on.
 *
 * <p>Events are passed to the consumer on the worker thread, except the queue-full event (on the thread
 * that calls {@link #enqueue}) and the events of {@link #sendTest} (on its caller's thread). A consumer
 * that throws is logged and ignored. A test send is tried once and never counts towards the auto-disable: its
 * failure leaves {@code failure_count} as it is.
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
    /** Beginning of the name of each worker thread; the channel type follows. */
    public static final String THREAD_PREFIX = "mcr-notify-";
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
    private static final Item STOP = new Item(new Outgoing("", "", "", "", "", "", ""), "", false, Instant.EPOCH, 1);

    private final Map<String, Notifier> notifiers;
    private final Map<String, Lane> lanes;
    private final ScheduledExecutorService retries;
    private final boolean ownRetries;
    private final RetryPolicy retryPolicy;
    private final String publicUrl;
    private final ProfileRegistry profiles;
    private final JournalSink journal;
    /** Delivery attempts since start, by profile type and result ({@code success} or {@code error}). */
    private final java.util.concurrent.ConcurrentMap<String, java.util.concurrent.ConcurrentMap<String,
            java.util.concurrent.atomic.LongAdder>> attempts = new java.util.concurrent.ConcurrentHashMap<>();
    private final Consumer<McrEvent> events;
    private final Clock clock;
    /** Last message successfully sent per (runner, profile); in memory only, like the original. */
    private final Map<PairKey, String> lastSent = new ConcurrentHashMap<>();
    private final AtomicBoolean closing = new AtomicBoolean();
    private volatile boolean closed;

    /**
     * Creates the dispatcher with the {@linkplain RetryPolicy#DEFAULT default retries} on its own retry thread and no
     * public URL, and starts its worker threads.
     *
     * @param notifiers     one notifier per profile type (a later one replaces an earlier one of the same type)
     * @param profiles      where profiles are read and their counters persisted
     * @param journal       where one row per delivery attempt is written
     * @param events        receives the events (see the class description for the threads)
     * @param clock         source of timestamps; its zone formats the default test message
     * @param queueCapacity how many items may wait per channel type; at least 1 ({@link #DEFAULT_QUEUE_CAPACITY} normally)
     * @throws IllegalArgumentException when the capacity is below 1 or a notifier has a blank type
     */
    public NotificationDispatcher(List<Notifier> notifiers, ProfileRegistry profiles, JournalSink journal,
                                  Consumer<McrEvent> events, Clock clock, int queueCapacity) {
        this(notifiers, profiles, journal, events, clock, queueCapacity, null, RetryPolicy.DEFAULT, "");
    }

    /**
     * Creates the dispatcher and starts one worker thread per channel type.
     *
     * @param notifiers     one notifier per profile type (a later one replaces an earlier one of the same type)
     * @param profiles      where profiles are read and their counters persisted
     * @param journal       where one row per delivery attempt is written
     * @param events        receives the events (see the class description for the threads)
     * @param clock         source of timestamps; its zone formats the default test message and is the default zone
     *                      of quiet hours
     * @param queueCapacity how many items may wait per channel type; at least 1
     * @param retries       runs the delayed retries (not shut down by {@link #close()}); {@code null} for an own thread
     * @param retryPolicy   how transient failures are retried
     * @param publicUrl     the page's public URL ({@code MCR_PUBLIC_URL}) for the link to a runner; {@code ""} for none
     * @throws IllegalArgumentException when the capacity is below 1 or a notifier has a blank type
     */
    public NotificationDispatcher(List<Notifier> notifiers, ProfileRegistry profiles, JournalSink journal,
                                  Consumer<McrEvent> events, Clock clock, int queueCapacity,
                                  ScheduledExecutorService retries, RetryPolicy retryPolicy, String publicUrl) {
        Objects.requireNonNull(notifiers, "notifiers");
        this.profiles = Objects.requireNonNull(profiles, "profiles");
        this.journal = Objects.requireNonNull(journal, "journal");
        this.events = Objects.requireNonNull(events, "events");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.retryPolicy = Objects.requireNonNull(retryPolicy, "retryPolicy");
        String url = publicUrl == null ? "" : publicUrl.strip();
        this.publicUrl = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
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
        this.ownRetries = retries == null;
        this.retries = retries != null ? retries : Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, THREAD_PREFIX + "retry");
            t.setDaemon(true);
            return t;
        });
        Map<String, Lane> byLane = new HashMap<>();
        for (String type : this.notifiers.keySet()) {
            byLane.put(type, new Lane(type, queueCapacity));
        }
        this.lanes = Map.copyOf(byLane);
        this.lanes.values().forEach(lane -> lane.worker.start());
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

    /** Returns how many messages wait for delivery, over all channel types. */
    public int queueDepth() {
        return lanes.values().stream().mapToInt(l -> l.queue.size()).sum();
    }

    /**
     * Queues a message for each usable target; never blocks. Targets whose profile is missing, inactive,
     * of a type without notifier or not configured are skipped silently. After {@link #close()} nothing
     * is queued. The message carries no state, run or runner name; see {@link #enqueue(Outgoing, List)}.
     *
     * @param runnerId the runner that produced the message
     * @param pattern  the case pattern (or {@code __on_finish__}), reported with errors
     * @param targets  the runner's targets, see {@link NotifyTarget#of}
     * @param title    the notification title ({@code null} means empty)
     * @param message  the notification text ({@code null} means empty)
     */
    public void enqueue(String runnerId, String pattern, List<NotifyTarget> targets, String title, String message) {
        Objects.requireNonNull(runnerId, "runnerId");
        enqueue(new Outgoing(runnerId, "", pattern, "NONE", "", title, message), targets);
    }

    /**
     * Queues a message for one profile, whatever the runner's own targets are (an escalation to a second service);
     * never blocks. The same rules as {@link #enqueue(Outgoing, List)} apply.
     *
     * @param profileId the profile to deliver to
     * @param message   the message
     */
    public void enqueueTo(String profileId, Outgoing message) {
        enqueue(message, List.of(new NotifyTarget(profileId, false)));
    }

    /**
     * Queues a message for each usable target; never blocks. Targets whose profile is missing, inactive,
     * of a type without notifier or not configured are skipped silently. After {@link #close()} nothing
     * is queued.
     *
     * @param message the message with its runner, case pattern, state and run
     * @param targets the runner's targets, see {@link NotifyTarget#of}
     */
    public void enqueue(Outgoing message, List<NotifyTarget> targets) {
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(targets, "targets");
        Instant ts = clock.instant();
        for (NotifyTarget target : targets) {
            if (closed) {
                LOG.debug("Notification for runner {} not queued: the dispatcher is closed.", message.runnerId());
                return;
            }
            if (target == null) {
                continue;
            }
            Optional<NotifyProfile> profile = find(target.profileId());
            if (profile.isEmpty() || !profile.get().active() || !usable(profile.get())) {
                continue;
            }
            Item item = new Item(message, target.profileId(), target.updatesOnly(), ts, 1);
            if (!laneOf(profile.get()).queue.offer(item)) {
                LOG.warn("Notification queue of {} is full; a message of runner {} to profile {} was dropped.",
                        profile.get().type(), message.runnerId(), target.profileId());
                publish(new CaseError(message.runnerId(), message.pattern(), QUEUE_FULL_ERROR));
            }
        }
    }

    /**
     * Sends a test message synchronously through a profile, once, with the same journal row (runner id
     * {@value JournalEntry#MANUAL_TEST_RUNNER_ID}) and events as a normal delivery, but no {@link CaseError}; a
     * success counts as sent and resets the failures, a failure does not count towards the auto-disable. An
     * unconfigured profile is still sent to and fails (for Pushover with
     * {@code "Missing pushover_user_key or pushover_api_token"}).
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
        Notification n = new Notification(JournalEntry.MANUAL_TEST_RUNNER_ID, "", Notification.STATE_TEST, TEST_TITLE,
                text, "", clock.instant(), "");
        Attempt attempt = attempt(notifier, profile, n);
        record(profile, JournalEntry.MANUAL_TEST_RUNNER_ID, TEST_TITLE, text, attempt, false);
        if (attempt.succeeded()) {
            return new TestSendOutcome(true, attempt.result(), null);
        }
        return new TestSendOutcome(false, Map.of(), attempt.error());
    }

    /**
     * Returns how many items wait in the queue, not counting the one being sent.
     *
     * @return the number of waiting items
     */
    public int queued() {
        return queueDepth();
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
        if (ownRetries) {
            retries.shutdownNow();
        }
        for (Lane lane : lanes.values()) {
            lane.queue.clear();
            lane.queue.offer(STOP);
        }
        boolean interrupted = false;
        try {
            joinAll(System.nanoTime() + CLOSE_GRACE.toNanos());
            lanes.values().stream().filter(l -> l.worker.isAlive() && l.worker != Thread.currentThread())
                    .forEach(l -> l.worker.interrupt());
            joinAll(System.nanoTime() + CLOSE_GRACE.toNanos());
        } catch (InterruptedException e) {
            interrupted = true;
            lanes.values().forEach(l -> l.worker.interrupt());
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        for (Lane lane : lanes.values()) {
            if (lane.worker.isAlive() && lane.worker != Thread.currentThread()) {
                LOG.warn("The notification worker {} did not stop in time; it is a daemon thread and ends with the JVM.",
                        lane.worker.getName());
            } else {
                lane.queue.clear();
            }
        }
    }

    private void joinAll(long deadlineNanos) throws InterruptedException {
        for (Lane lane : lanes.values()) {
            if (lane.worker == Thread.currentThread()) {
                continue;
            }
            long left = deadlineNanos - System.nanoTime();
            if (left > 0) {
                lane.worker.join(Math.max(1, left / 1_000_000));
            }
        }
    }

    /** The queue and worker of one channel type. */
    private final class Lane {
        final BlockingQueue<Item> queue;
        final Thread worker;

        Lane(String type, int capacity) {
            this.queue = new ArrayBlockingQueue<>(capacity);
            this.worker = new Thread(this::work, THREAD_PREFIX + type);
            this.worker.setDaemon(true);
            // Runtime exceptions are handled per item; only an Error can end the worker, and it must not go unnoticed.
            this.worker.setUncaughtExceptionHandler((t, e) -> LOG.error(
                    "The notification worker {} stopped; no more notifications of this type are sent.", t.getName(), e));
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
                            item.message().runnerId(), item.profileId(), e);
                }
            }
        }
    }

    private Lane laneOf(NotifyProfile profile) {
        return lanes.get(typeKey(profile.type()));
    }

    private void deliver(Item item) {
        Outgoing msg = item.message();
        Optional<NotifyProfile> current = find(item.profileId());
        if (current.isEmpty() || !current.get().active() || !usable(current.get())) {
            return;
        }
        NotifyProfile profile = current.get();
        PairKey key = new PairKey(msg.runnerId(), item.profileId());
        if (item.updatesOnly() && lastSent.getOrDefault(key, "").equals(msg.message())) {
            return;
        }
        Optional<QuietHours> quiet = quietHours(profile);
        if (quiet.isPresent() && quiet.get().suppresses(clock.instant(), msg.state())) {
            appendJournal(new JournalEntry(0, clock.instant(), msg.runnerId(), profile.id(), profile.name(),
                    JournalEntry.SUPPRESSED, msg.title(), msg.message(), "Held back by the quiet hours of "
                    + profile.name() + "."));
            return;
        }
        Notification n = new Notification(msg.runnerId(), msg.runnerName(), msg.state(), msg.title(), msg.message(),
                msg.runId(), item.ts(), link(msg.runnerId()));
        Attempt attempt = attempt(notifierFor(profile), profile, n);
        if (closed && Thread.currentThread().isInterrupted()) {
            LOG.info("Notification of runner {} to profile {} abandoned at shutdown.", msg.runnerId(), item.profileId());
            return;
        }
        if (!attempt.succeeded() && attempt.transientFailure() && item.attempt() < retryPolicy.maxAttempts()
                && retryLater(item, profile, attempt)) {
            return;
        }
        if (attempt.succeeded()) {
            lastSent.put(key, msg.message());
        }
        String error = attempt.error();
        if (error != null && item.attempt() > 1) {
            attempt = new Attempt(attempt.ts(), attempt.result(), error + " (tried " + item.attempt() + " times)", false);
        }
        Recorded recorded = record(profile, msg.runnerId(), msg.title(), msg.message(), attempt, true);
        if (!attempt.succeeded()) {
            publish(new CaseError(msg.runnerId(), msg.pattern(), typeLabel(profile.type()) + " failed: " + attempt.error()));
            recorded.autoDisabled().ifPresent(this::publish);
        }
    }

    /** Queues the item again after its back-off; false when that is not possible (then the failure counts now). */
    private boolean retryLater(Item item, NotifyProfile profile, Attempt attempt) {
        java.time.Duration delay = retryPolicy.delayAfter(item.attempt(), attempt.retryAfter());
        Item next = new Item(item.message(), item.profileId(), item.updatesOnly(), item.ts(), item.attempt() + 1);
        Lane lane = laneOf(profile);
        LOG.info("Notification to profile {} failed ({}); try {} of {} in {} ms.", profile.id(), attempt.error(),
                next.attempt(), retryPolicy.maxAttempts(), delay.toMillis());
        try {
            retries.schedule(() -> {
                if (!closed && !lane.queue.offer(next)) {
                    publish(new CaseError(next.message().runnerId(), next.message().pattern(), QUEUE_FULL_ERROR));
                }
            }, delay.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (java.util.concurrent.RejectedExecutionException e) {
            return false;
        }
    }

    private Optional<QuietHours> quietHours(NotifyProfile profile) {
        try {
            return QuietHours.parse(profile.extra().get(QuietHours.KEY), clock.getZone());
        } catch (IllegalArgumentException e) {
            // Saves validate it; a value stored before that is ignored rather than losing messages.
            LOG.warn("Quiet hours of profile {} ignored: {}", profile.id(), e.getMessage());
            return Optional.empty();
        }
    }

    private String link(String runnerId) {
        return publicUrl.isEmpty() ? "" : publicUrl + "/#runner/" + runnerId;
    }

    /** Sends once; every failure becomes a scrubbed error text. */
    private Attempt attempt(Notifier notifier, NotifyProfile profile, Notification notification) {
        Instant ts = clock.instant();
        try {
            Map<String, Object> result = notifier.send(profile, notification);
            return new Attempt(ts, result == null ? Map.of() : result, null, false);
        } catch (NotifyException e) {
            String error = e.getMessage() == null || e.getMessage().isBlank() ? "Delivery failed." : e.getMessage();
            error = scrub(error, profile);
            LOG.warn("Notification to profile {} failed: {}", profile.id(), error);
            return new Attempt(ts, Map.of(), error, e.isTransient(), e.retryAfter().orElse(null));
        } catch (RuntimeException e) {
            String detail = e.getMessage() == null || e.getMessage().isBlank() ? "" : ": " + e.getMessage();
            String error = scrub("Unexpected " + e.getClass().getSimpleName() + detail, profile);
            // The throwable is not logged: its message or stack could carry a secret.
            LOG.warn("Notifier '{}' threw for profile {}: {}", notifier.type(), profile.id(), error);
            return new Attempt(ts, Map.of(), error, false);
        }
    }

    /** Updates the counters, writes the journal row and publishes the status event. */
    private Recorded record(NotifyProfile seen, String runnerId, String title, String message, Attempt attempt,
                            boolean countsFailure) {
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
                if (!countsFailure) {
                    disabled.set(false);
                    return p;
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
        appendJournal(new JournalEntry(0, attempt.ts(), runnerId, seen.id(), name,
                success ? JournalEntry.SUCCESS : JournalEntry.ERROR, title, message, success ? "" : attempt.error()));
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

    private void appendJournal(JournalEntry row) {
        try {
            journal.append(row);
        } catch (RuntimeException e) {
            LOG.error("Could not write the notification journal row for profile {}.", row.profileId(), e);
        }
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

    /**
     * Hides the profile's secrets in an error text: for a channel that declares its fields, the values of its secret
     * fields and of keys it does not declare, so that a host or a port it names stays readable; for one that declares
     * nothing, every config value.
     */
    private String scrub(String text, NotifyProfile profile) {
        Notifier notifier = notifierFor(profile);
        if (notifier == null || notifier.fields().isEmpty()) {
            return Secrets.scrub(text, profile.config().values());
        }
        java.util.Set<String> plain = new java.util.HashSet<>();
        notifier.fields().stream().filter(f -> !f.isSecret()).forEach(f -> plain.add(f.name()));
        List<String> hide = new java.util.ArrayList<>();
        profile.config().forEach((k, v) -> {
            if (!plain.contains(k)) {
                hide.add(v);
            }
        });
        return Secrets.scrub(text, hide);
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

    /**
     * A message to deliver, as the engine (or an escalation) hands it over.
     *
     * @param runnerId   the runner that produced it
     * @param runnerName its display name ({@code ""} when unknown)
     * @param pattern    the case pattern (or {@code __on_finish__}), reported with errors
     * @param state      the case state ({@code DOWN}, ...; {@code NONE} when unknown)
     * @param runId      the run ({@code ""} when unknown)
     * @param title      the title ({@code null} means empty)
     * @param message    the text ({@code null} means empty)
     */
    public record Outgoing(String runnerId, String runnerName, String pattern, String state, String runId,
                           String title, String message) {
        /** Replaces {@code null} texts with {@code ""} (the state with {@code NONE}). */
        public Outgoing {
            Objects.requireNonNull(runnerId, "runnerId");
            runnerName = runnerName == null ? "" : runnerName;
            pattern = pattern == null ? "" : pattern;
            state = state == null || state.isBlank() ? "NONE" : state;
            runId = runId == null ? "" : runId;
            title = title == null ? "" : title;
            message = message == null ? "" : message;
        }
    }

    /** One queued delivery; {@code attempt} counts from 1. */
    private record Item(Outgoing message, String profileId, boolean updatesOnly, Instant ts, int attempt) {
    }

    private record PairKey(String runnerId, String profileId) {
    }

    /** One send: {@code error} is null on success. */
    private record Attempt(Instant ts, Map<String, Object> result, String error, boolean transientFailure,
                           java.time.Duration retryAfter) {
        Attempt(Instant ts, Map<String, Object> result, String error, boolean transientFailure) {
            this(ts, result, error, transientFailure, null);
        }

        boolean succeeded() {
            return error == null;
        }
    }

    private record Recorded(Optional<NotifyProfileAutoDisabled> autoDisabled) {
    }
}
