package dev.mcr.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcr.event.McrEvent;
import dev.mcr.event.NotifyProfileAutoDisabled;
import dev.mcr.model.NotifyProfile;
import dev.mcr.notify.Notification;
import dev.mcr.notify.Notifier;
import dev.mcr.store.JournalEntry;
import dev.mcr.testing.ManualScheduler;
import dev.mcr.testing.MutableClock;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The dispatcher with the built-in channels against a real receiver; retries run on the manual scheduler. */
class ChannelDispatchTest {

    static final Instant NOW = Instant.parse("2026-12-07T03:00:00Z");

    private final MutableClock clock = new MutableClock(NOW);
    private final ManualScheduler scheduler = new ManualScheduler(clock);
    private final InMemoryProfiles profiles = new InMemoryProfiles();
    private final InMemoryJournal journal = new InMemoryJournal();
    private final List<McrEvent> events = new CopyOnWriteArrayList<>();
    private Receiver receiver;
    private NotificationDispatcher dispatcher;

    @BeforeEach
    void start() throws IOException {
        receiver = new Receiver();
        profiles.put(webhook("notify_hook", Map.of()));
        dispatcher = dispatcher(RetryPolicy.DEFAULT);
    }

    @AfterEach
    void stop() {
        dispatcher.close();
        receiver.close();
    }

    private NotificationDispatcher dispatcher(RetryPolicy policy, Notifier... extra) {
        List<Notifier> channels = new ArrayList<>(BuiltInChannels.all(receiver.uri("/pushover"), Map.of()));
        channels.addAll(List.of(extra));
        return new NotificationDispatcher(channels, profiles, journal, events::add, clock, 100, scheduler, policy,
                "https://mcr.example.org/");
    }

    private NotifyProfile webhook(String id, Map<String, Object> extra) {
        return new NotifyProfile(id, "Hook " + id, "webhook", true, 0, 0, Map.of("url", receiver.base() + "/" + id),
                extra);
    }

    private void send(String profileId, String state, String message) {
        dispatcher.enqueueTo(profileId, new NotificationDispatcher.Outgoing("runner_nas", "NAS", "DOWN (\\w+)", state,
                "run-1", "NAS", message));
    }

    private void awaitRows(int n) {
        Await.until(n + " journal rows", () -> journal.size() >= n);
    }

    @Test
    void a_500_is_retried_after_the_back_off_and_then_counts_only_as_the_success_it_became() {
        receiver.next(500, "oops", Map.of());

        send("notify_hook", "DOWN", "disk full");
        Await.until("the retry is scheduled", () -> scheduler.pending() == 1);

        assertThat(journal.rows()).isEmpty();
        assertThat(profiles.get("notify_hook").failureCount()).isZero();
        assertThat(scheduler.nextDue()).contains(NOW.plusSeconds(2));
        scheduler.advance(Duration.ofSeconds(2));
        awaitRows(1);
        assertThat(receiver.requests()).hasSize(2);
        assertThat(journal.rows().get(0).delivery()).isEqualTo(JournalEntry.SUCCESS);
        assertThat(profiles.get("notify_hook").sentCount()).isEqualTo(1);
        assertThat(profiles.get("notify_hook").failureCount()).isZero();
    }

    @Test
    void a_429_waits_for_its_retry_after_before_the_next_try() {
        receiver.next(429, "slow down", Map.of("Retry-After", "30"));

        send("notify_hook", "DOWN", "disk full");
        Await.until("the retry is scheduled", () -> scheduler.pending() == 1);

        assertThat(scheduler.nextDue()).contains(NOW.plusSeconds(30));
        scheduler.advance(Duration.ofSeconds(29));
        assertThat(receiver.requests()).hasSize(1);
        scheduler.advance(Duration.ofSeconds(1));
        awaitRows(1);
        assertThat(receiver.requests()).hasSize(2);
        assertThat(journal.rows().get(0).delivery()).isEqualTo(JournalEntry.SUCCESS);
    }

    @Test
    void transient_failures_count_once_when_the_tries_are_used_up() {
        dispatcher.close();
        dispatcher = dispatcher(new RetryPolicy(2, Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ZERO));
        receiver.next(502, "", Map.of());
        receiver.next(502, "", Map.of());

        send("notify_hook", "DOWN", "disk full");
        Await.until("the retry is scheduled", () -> scheduler.pending() == 1);
        scheduler.advance(Duration.ofSeconds(1));
        awaitRows(1);

        assertThat(journal.rows().get(0).error()).isEqualTo("Webhook answered HTTP 502. (tried 2 times)");
        assertThat(profiles.get("notify_hook").failureCount()).isEqualTo(1);
        assertThat(profiles.get("notify_hook").active()).isTrue();
    }

    @Test
    void three_failed_deliveries_disable_a_webhook_like_a_pushover_service() {
        for (int i = 0; i < 3; i++) {
            receiver.next(404, "no such hook", Map.of());
        }

        send("notify_hook", "DOWN", "one");
        send("notify_hook", "DOWN", "two");
        send("notify_hook", "DOWN", "three");
        awaitRows(3);
        Await.until("the auto-disable event", () -> events.stream().anyMatch(NotifyProfileAutoDisabled.class::isInstance));

        assertThat(profiles.get("notify_hook").active()).isFalse();
        assertThat(profiles.get("notify_hook").failureCount()).isEqualTo(3);
        assertThat(journal.rows()).extracting(JournalEntry::error).containsOnly("Webhook answered HTTP 404: no such hook");
    }

    @Test
    void test_sends_that_fail_never_count_towards_the_auto_disable() {
        for (int i = 0; i < 4; i++) {
            receiver.next(404, "no such hook", Map.of());
        }

        for (int i = 0; i < 4; i++) {
            assertThat(dispatcher.sendTest("notify_hook", "hello").ok()).isFalse();
        }

        assertThat(profiles.get("notify_hook").active()).isTrue();
        assertThat(profiles.get("notify_hook").failureCount()).isZero();
        assertThat(journal.rows()).hasSize(4);
        assertThat(scheduler.pending()).isZero();
    }

    @Test
    void a_hanging_channel_does_not_delay_the_webhook_deliveries() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Notifier stuck = new Notifier() {
            @Override
            public String type() {
                return "stuck";
            }

            @Override
            public Map<String, Object> send(NotifyProfile profile, Notification n) {
                entered.countDown();
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return Map.of();
            }
        };
        dispatcher.close();
        dispatcher = dispatcher(RetryPolicy.DEFAULT, stuck);
        profiles.put(new NotifyProfile("notify_stuck", "Stuck", "stuck", true, 0, 0, Map.of(), Map.of()));

        send("notify_stuck", "DOWN", "first");
        send("notify_stuck", "DOWN", "second");
        assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
        for (int i = 0; i < 5; i++) {
            send("notify_hook", "DOWN", "hook " + i);
        }
        awaitRows(5);

        assertThat(journal.rows()).extracting(JournalEntry::profileId).containsOnly("notify_hook");
        assertThat(release.getCount()).isEqualTo(1);
        release.countDown();
        awaitRows(7);
    }

    @Test
    void quiet_hours_over_midnight_hold_messages_back_with_a_suppressed_row_and_let_down_break_through()
            throws IOException {
        profiles.put(webhook("notify_quiet", Map.of("quiet_hours", Map.of("from", "22:00", "to", "07:00",
                "time_zone", "Europe/Berlin", "down_breaks_through", true))));
        clock.set(Instant.parse("2026-12-07T23:30:00Z")); // 00:30 in Berlin

        send("notify_quiet", "WARN", "warm");
        send("notify_quiet", "DOWN", "down");
        awaitRows(2);
        clock.set(Instant.parse("2026-12-08T06:00:00Z")); // 07:00 in Berlin: quiet hours are over
        send("notify_quiet", "WARN", "morning");
        awaitRows(3);

        assertThat(journal.rows()).extracting(JournalEntry::delivery)
                .containsExactly(JournalEntry.SUPPRESSED, JournalEntry.SUCCESS, JournalEntry.SUCCESS);
        assertThat(receiver.requests()).extracting(r -> readMessage(r)).containsExactly("down", "morning");
        assertThat(profiles.get("notify_quiet").sentCount()).isEqualTo(2);
    }

    @Test
    void a_delivery_carries_the_link_to_the_runner_from_the_public_url() throws IOException {
        send("notify_hook", "DOWN", "disk full");
        awaitRows(1);

        assertThat(new ObjectMapper().readTree(receiver.requests().get(0).body()).get("link").asText())
                .isEqualTo("https://mcr.example.org/#runner/runner_nas");
    }

    private static String readMessage(Receiver.Request r) {
        try {
            return new ObjectMapper().readTree(r.body()).get("message").asText();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
