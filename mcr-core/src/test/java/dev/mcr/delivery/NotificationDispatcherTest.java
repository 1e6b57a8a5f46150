package dev.mcr.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcr.event.CaseError;
import dev.mcr.event.McrEvent;
import dev.mcr.event.NotifyProfileAutoDisabled;
import dev.mcr.event.NotifyProfileStatus;
import dev.mcr.model.NotifyProfile;
import dev.mcr.notify.Notifier;
import dev.mcr.store.JournalEntry;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class NotificationDispatcherTest {

    static final String USER_KEY = "usr-K3y/Ünique+77ZZq";
    static final String API_TOKEN = "tok-9f8e7d6c5b4a-SECRET&x=1";
    static final ZoneId ZONE = ZoneId.of("Europe/Berlin");
    static final Instant NOW = Instant.parse("2026-02-11T13:03:05Z");
    static final String RUNNER = "runner_nas";
    static final String PATTERN = "DOWN (\\w+)";

    private FakePushover server;
    private final InMemoryProfiles profiles = new InMemoryProfiles();
    private final InMemoryJournal journal = new InMemoryJournal();
    private final List<McrEvent> events = new CopyOnWriteArrayList<>();
    private final List<String> eventThreads = new CopyOnWriteArrayList<>();
    private NotificationDispatcher dispatcher;

    @BeforeEach
    void start() throws IOException {
        server = new FakePushover();
        profiles.put(NotifyProfile.pushover("notify_main", "Main phone", USER_KEY, API_TOKEN));
        dispatcher = dispatcher(NotificationDispatcher.DEFAULT_QUEUE_CAPACITY, Duration.ofSeconds(5));
    }

    private NotificationDispatcher dispatcher(int capacity, Duration timeout, Notifier... extra) {
        List<Notifier> notifiers = new ArrayList<>(List.of(new PushoverNotifier(server.uri(), timeout)));
        notifiers.addAll(List.of(extra));
        return new NotificationDispatcher(notifiers, profiles, journal, event -> {
            events.add(event);
            eventThreads.add(Thread.currentThread().getName() + (Thread.currentThread().isDaemon() ? "/daemon" : ""));
        }, Clock.fixed(NOW, ZONE), capacity);
    }

    private void replaceDispatcher(int capacity, Duration timeout, Notifier... extra) {
        dispatcher.close();
        dispatcher = dispatcher(capacity, timeout, extra);
    }

    @AfterEach
    void stop() {
        dispatcher.close();
        server.close();
    }

    private void send(String message, NotifyTarget... targets) {
        dispatcher.enqueue(RUNNER, PATTERN, List.of(targets), "NAS", message);
    }

    private static NotifyTarget main() {
        return new NotifyTarget("notify_main", false);
    }

    private void awaitJournalRows(int n) {
        Await.until(n + " journal rows exist", () -> journal.size() >= n);
        assertThat(journal.size()).isEqualTo(n);
    }

    private <T extends McrEvent> List<T> eventsOf(Class<T> type) {
        List<T> out = new ArrayList<>();
        for (McrEvent e : events) {
            if (type.isInstance(e)) {
                out.add(type.cast(e));
            }
        }
        return out;
    }

    @Test
    void a_delivered_message_counts_as_sent_and_is_journaled_and_published() {
        profiles.put(profiles.get("notify_main").withCounters(true, 2, 5));

        send("NAS is down", main());

        awaitJournalRows(1);
        assertThat(server.requests()).hasSize(1);
        assertThat(server.requests().get(0).form()).containsEntry("title", "NAS").containsEntry("message", "NAS is down");
        NotifyProfile after = profiles.get("notify_main");
        assertThat(after.sentCount()).isEqualTo(6);
        assertThat(after.failureCount()).isZero();
        assertThat(after.active()).isTrue();
        assertThat(journal.rows().get(0)).isEqualTo(new JournalEntry(1, NOW, RUNNER, "notify_main", "Main phone",
                "success", "NAS", "NAS is down", ""));
        Await.until("the status event is published", () -> !events.isEmpty());
        assertThat(events).containsExactly(new NotifyProfileStatus(RUNNER, "notify_main", "Main phone", true, 0, 6,
                "success", null, false, "NAS", "NAS is down", NOW));
        assertThat(events.get(0).toJson(ZONE)).doesNotContainKeys("reason", "auto_disabled")
                .containsEntry("ts", "2026-02-11T14:03:05+01:00");
        assertThat(eventThreads).containsOnly("mcr-notify-pushover/daemon");
    }

    @Test
    void the_journal_and_event_keep_the_whole_message_while_pushover_gets_it_trimmed_and_cut() {
        String message = "  " + "ä".repeat(1100) + "  ";

        send(message, main());

        awaitJournalRows(1);
        assertThat(server.requests().get(0).form().get("message")).isEqualTo("ä".repeat(1024));
        assertThat(journal.rows().get(0).message()).isEqualTo(message);
    }

    @Test
    void an_http_error_counts_as_a_failure_with_journal_row_and_events_in_the_original_order() {
        server.always(FakePushover.status(500, "Internal Server Error"));

        send("NAS is down", main());

        awaitJournalRows(1);
        JournalEntry row = journal.rows().get(0);
        assertThat(row.delivery()).isEqualTo("error");
        assertThat(row.error()).isEqualTo("HTTP 500: Internal Server Error");
        assertThat(profiles.get("notify_main").failureCount()).isEqualTo(1);
        assertThat(profiles.get("notify_main").active()).isTrue();
        Await.until("both events are published", () -> events.size() >= 2);
        assertThat(events).containsExactly(
                new NotifyProfileStatus(RUNNER, "notify_main", "Main phone", true, 1, 0, "error",
                        "HTTP 500: Internal Server Error", false, "NAS", "NAS is down", NOW),
                new CaseError(RUNNER, PATTERN, "Pushover failed: HTTP 500: Internal Server Error"));
        assertThat(events.get(0).toJson(ZONE)).containsEntry("reason", "HTTP 500: Internal Server Error")
                .containsEntry("auto_disabled", false);
    }

    @Test
    void a_timeout_and_a_refused_connection_count_as_failures_with_readable_errors() throws IOException {
        replaceDispatcher(NotificationDispatcher.DEFAULT_QUEUE_CAPACITY, Duration.ofMillis(300));
        server.always(server.blockUntilReleased());

        send("first", main());
        awaitJournalRows(1);
        server.close();
        send("second", main());
        awaitJournalRows(2);

        List<JournalEntry> rows = journal.rows();
        assertThat(rows.get(0).error()).isEqualTo("The read operation timed out (no answer within 0.3 s).");
        assertThat(rows.get(1).error()).isEqualTo("Network error: Connection refused");
        assertThat(profiles.get("notify_main").failureCount()).isEqualTo(2);
        Await.until("four events are published", () -> events.size() >= 4);
        assertThat(eventsOf(CaseError.class)).extracting(CaseError::error).containsExactly(
                "Pushover failed: The read operation timed out (no answer within 0.3 s).",
                "Pushover failed: Network error: Connection refused");
    }

    @Test
    void the_third_consecutive_failure_disables_the_profile_once_and_says_so() {
        server.always(FakePushover.status(400, "{\"status\":0}"));

        send("one", main());
        send("two", main());
        send("three", main());

        awaitJournalRows(3);
        NotifyProfile after = profiles.get("notify_main");
        assertThat(after.active()).isFalse();
        assertThat(after.failureCount()).isEqualTo(3);
        Await.until("seven events are published", () -> events.size() >= 7);
        assertThat(events).extracting(McrEvent::type).containsExactly(
                "notify_profile_status", "case_error",
                "notify_profile_status", "case_error",
                "notify_profile_status", "case_error", "notify_profile_auto_disabled");
        List<NotifyProfileStatus> statuses = eventsOf(NotifyProfileStatus.class);
        assertThat(statuses).extracting(NotifyProfileStatus::autoDisabled).containsExactly(false, false, true);
        assertThat(statuses).extracting(NotifyProfileStatus::active).containsExactly(true, true, false);
        assertThat(events.get(5)).isEqualTo(new CaseError(RUNNER, PATTERN, "Pushover failed: HTTP 400: {\"status\":0}"));
        assertThat(events.get(6)).isEqualTo(new NotifyProfileAutoDisabled("notify_main", "Main phone", 3, 0,
                "HTTP 400: {\"status\":0}", NOW));

        send("four", main());

        assertThat(dispatcher.queued()).isZero();
        assertThat(server.requests()).hasSize(3);
        assertThat(eventsOf(NotifyProfileAutoDisabled.class)).hasSize(1);
    }

    @Test
    void a_success_after_failures_resets_the_failure_count() {
        server.next(FakePushover.status(502, "Bad Gateway"));
        server.next(FakePushover.status(502, "Bad Gateway"));

        send("one", main());
        send("two", main());
        send("three", main());

        awaitJournalRows(3);
        assertThat(journal.rows()).extracting(JournalEntry::delivery).containsExactly("error", "error", "success");
        NotifyProfile after = profiles.get("notify_main");
        assertThat(after.failureCount()).isZero();
        assertThat(after.sentCount()).isEqualTo(1);
        assertThat(after.active()).isTrue();
    }

    @Test
    void updates_only_suppresses_an_identical_repeat_but_sends_a_changed_message() {
        NotifyTarget updatesOnly = new NotifyTarget("notify_main", true);

        send("NAS is down", updatesOnly);
        send("NAS is down", updatesOnly);
        send("NAS is up", updatesOnly);
        send("NAS is up", updatesOnly);
        send("NAS is down", updatesOnly);

        awaitJournalRows(3);
        assertThat(server.messages()).containsExactly("NAS is down", "NAS is up", "NAS is down");
        assertThat(profiles.get("notify_main").sentCount()).isEqualTo(3);
    }

    @Test
    void updates_only_is_kept_per_runner() {
        NotifyTarget updatesOnly = new NotifyTarget("notify_main", true);

        dispatcher.enqueue("runner_a", "p", List.of(updatesOnly), "A", "same text");
        dispatcher.enqueue("runner_b", "p", List.of(updatesOnly), "B", "same text");
        dispatcher.enqueue("runner_a", "p", List.of(updatesOnly), "A", "same text");

        awaitJournalRows(2);
        assertThat(journal.rows()).extracting(JournalEntry::runnerId).containsExactly("runner_a", "runner_b");
    }

    @Test
    void a_target_without_updates_only_gets_identical_repeats() {
        send("NAS is down", main());
        send("NAS is down", main());

        awaitJournalRows(2);
        assertThat(server.messages()).containsExactly("NAS is down", "NAS is down");
    }

    @Test
    void updates_only_retries_a_repeat_whose_previous_send_failed() {
        NotifyTarget updatesOnly = new NotifyTarget("notify_main", true);
        server.next(FakePushover.status(500, "oops"));

        send("NAS is down", updatesOnly);
        send("NAS is down", updatesOnly);
        send("NAS is down", updatesOnly);

        awaitJournalRows(2);
        assertThat(journal.rows()).extracting(JournalEntry::delivery).containsExactly("error", "success");
        assertThat(server.messages()).containsExactly("NAS is down", "NAS is down");
    }

    @Test
    void a_full_queue_drops_the_message_and_publishes_a_case_error_without_blocking() {
        replaceDispatcher(1, Duration.ofSeconds(10));
        server.next(server.blockUntilReleased());

        send("first", main());
        Await.until("the worker is sending the first message", () -> server.requests().size() == 1);
        send("second", main());
        assertThat(dispatcher.queued()).isEqualTo(1);
        send("third", main());

        assertThat(events).containsExactly(new CaseError(RUNNER, PATTERN, "Notification queue full (dropped)."));
        server.release();
        awaitJournalRows(2);
        assertThat(server.messages()).containsExactly("first", "second");
        assertThat(journal.rows()).extracting(JournalEntry::delivery).containsOnly("success");
    }

    @Test
    void inactive_unconfigured_unknown_and_unsupported_profiles_are_skipped_silently() {
        profiles.put(NotifyProfile.pushover("notify_off", "Off", USER_KEY, API_TOKEN).withCounters(false, 0, 0));
        profiles.put(NotifyProfile.pushover("notify_nokey", "No key", "", API_TOKEN));
        profiles.put(NotifyProfile.pushover("notify_notoken", "No token", USER_KEY, "  "));
        profiles.put(new NotifyProfile("notify_mail", "Mail", "email", true, 0, 0, Map.of("to", "a@b.c"), Map.of()));

        dispatcher.enqueue(RUNNER, PATTERN, List.of(new NotifyTarget("notify_off", false),
                new NotifyTarget("notify_nokey", false), new NotifyTarget("notify_notoken", true),
                new NotifyTarget("notify_gone", false), new NotifyTarget("notify_mail", false), main()), "NAS", "msg");

        awaitJournalRows(1);
        assertThat(journal.rows().get(0).profileId()).isEqualTo("notify_main");
        assertThat(server.requests()).hasSize(1);
        Await.until("the status event is published", () -> !events.isEmpty());
        assertThat(events).hasSize(1).allMatch(e -> e instanceof NotifyProfileStatus s && s.delivery().equals("success"));
        assertThat(profiles.get("notify_nokey").failureCount()).isZero();
        assertThat(profiles.get("notify_off").failureCount()).isZero();
    }

    @Test
    void a_profile_disabled_unconfigured_or_deleted_while_its_message_waits_is_skipped_by_the_worker() {
        profiles.put(NotifyProfile.pushover("notify_second", "Second", USER_KEY, API_TOKEN));
        profiles.put(NotifyProfile.pushover("notify_third", "Third", USER_KEY, API_TOKEN));
        profiles.put(NotifyProfile.pushover("notify_fourth", "Fourth", USER_KEY, API_TOKEN));
        server.next(server.blockUntilReleased());

        send("blocking", main());
        Await.until("the worker is sending", () -> server.requests().size() == 1);
        send("to second", new NotifyTarget("notify_second", false));
        send("to third", new NotifyTarget("notify_third", false));
        send("to fourth", new NotifyTarget("notify_fourth", false));
        send("to main", main());
        assertThat(dispatcher.queued()).isEqualTo(4);
        profiles.update("notify_second", p -> p.withCounters(false, 0, 0));
        profiles.update("notify_third", p -> p.withConfig(Map.of()));
        profiles.remove("notify_fourth");
        server.release();

        awaitJournalRows(2);
        assertThat(journal.rows()).extracting(JournalEntry::message).containsExactly("blocking", "to main");
        assertThat(server.messages()).containsExactly("blocking", "to main");
        assertThat(profiles.get("notify_second").sentCount()).isZero();
        assertThat(profiles.get("notify_third").sentCount()).isZero();
    }

    @Test
    void a_notifier_that_throws_counts_as_a_failure_and_the_worker_keeps_going() {
        Notifier exploding = new ExplodingNotifier();
        replaceDispatcher(NotificationDispatcher.DEFAULT_QUEUE_CAPACITY, Duration.ofSeconds(5), exploding);
        profiles.put(new NotifyProfile("notify_beacon", "Beacon", "beacon", true, 0, 0,
                Map.of("secret", "beacon-S3CRET-value"), Map.of()));

        send("first", new NotifyTarget("notify_beacon", false));
        send("second", main());

        awaitJournalRows(2);
        JournalEntry failed = journal.rows().get(0);
        assertThat(failed.delivery()).isEqualTo("error");
        assertThat(failed.error()).isEqualTo("Unexpected IllegalStateException: socket gone while using ***");
        assertThat(journal.rows().get(1).delivery()).isEqualTo("success");
        assertThat(profiles.get("notify_beacon").failureCount()).isEqualTo(1);
        Await.until("three events are published", () -> events.size() >= 3);
        assertThat(eventsOf(CaseError.class)).containsExactly(new CaseError(RUNNER, PATTERN,
                "Beacon failed: Unexpected IllegalStateException: socket gone while using ***"));
    }

    @Test
    void secrets_echoed_by_the_server_never_reach_journal_events_or_test_results() throws Exception {
        server.always(FakePushover.echoCredentials(400));

        send("one", main());
        send("two", main());
        send("three", main());
        awaitJournalRows(3);
        profiles.update("notify_main", p -> p.withCounters(true, 0, 0));
        TestSendOutcome test = dispatcher.sendTest("notify_main", "manual");

        assertThat(server.requests().get(0).form()).containsEntry("user", USER_KEY).containsEntry("token", API_TOKEN);
        assertThat(test.ok()).isFalse();
        ObjectMapper json = new ObjectMapper();
        StringBuilder everything = new StringBuilder(test.toString());
        for (JournalEntry row : journal.rows()) {
            everything.append('\n').append(row);
        }
        for (McrEvent event : events) {
            everything.append('\n').append(json.writeValueAsString(event.toJson(ZONE)));
        }
        assertThat(eventsOf(NotifyProfileAutoDisabled.class)).hasSize(1);
        assertThat(everything.toString())
                .contains("\"token\":\"***\"", "\"user\":\"***\"", "token=***&user=***")
                .doesNotContain(USER_KEY, API_TOKEN, "usr-K3y", "9f8e7d6c5b4a",
                        java.net.URLEncoder.encode(USER_KEY, java.nio.charset.StandardCharsets.UTF_8),
                        java.net.URLEncoder.encode(API_TOKEN, java.nio.charset.StandardCharsets.UTF_8));
    }

    @Test
    void close_is_idempotent_and_nothing_is_queued_or_sent_afterwards() {
        dispatcher.close();
        dispatcher.close();

        send("after close", main());

        assertThat(dispatcher.queued()).isZero();
        assertThat(server.requests()).isEmpty();
        assertThat(journal.rows()).isEmpty();
    }

    @Test
    void close_abandons_a_send_that_does_not_finish_and_returns() {
        server.always(server.blockUntilReleased());
        replaceDispatcher(NotificationDispatcher.DEFAULT_QUEUE_CAPACITY, Duration.ofSeconds(30));
        send("stuck", main());
        send("waiting", main());
        Await.until("the worker is sending", () -> server.requests().size() == 1);

        dispatcher.close();

        assertThat(Thread.currentThread().isInterrupted()).isFalse();
        assertThat(dispatcher.queued()).isZero();
        assertThat(journal.rows()).isEmpty();
        assertThat(profiles.get("notify_main").failureCount()).isZero();
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().equals("mcr-notify-pushover"));
    }

    @Test
    void close_keeps_the_interrupt_flag_of_an_interrupted_caller() {
        Thread.currentThread().interrupt();
        try {
            dispatcher.close();
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void bad_arguments_are_rejected_with_clear_messages() {
        assertThatThrownBy(() -> dispatcher(0, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("The notification queue capacity must be at least 1, not 0.");
        assertThatThrownBy(() -> dispatcher.enqueue(null, "p", List.of(main()), "t", "m"))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("runnerId");
        assertThatThrownBy(() -> new NotifyTarget(" ", false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("A notification target needs a non-blank profile id.");
    }

    /** A channel whose client library throws an unchecked exception quoting its secret. */
    static final class ExplodingNotifier implements Notifier {
        @Override
        public String type() {
            return "beacon";
        }

        @Override
        public boolean isConfigured(NotifyProfile profile) {
            return true;
        }

        @Override
        public Map<String, Object> send(NotifyProfile profile, String title, String message) {
            throw new IllegalStateException("socket gone while using " + profile.configValue("secret"));
        }
    }
}
