package dev.mcr.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcr.error.ProfileNotFoundException;
import dev.mcr.event.McrEvent;
import dev.mcr.event.NotifyProfileStatus;
import dev.mcr.model.NotifyProfile;
import dev.mcr.store.JournalEntry;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link NotificationDispatcher#sendTest}: the "Test" button of a notification service. */
class ManualTestSendTest {

    static final ZoneId ZONE = ZoneId.of("Europe/Berlin");
    static final Instant NOW = Instant.parse("2026-02-11T13:03:05Z");

    private FakePushover server;
    private final InMemoryProfiles profiles = new InMemoryProfiles();
    private final InMemoryJournal journal = new InMemoryJournal();
    private final List<McrEvent> events = new CopyOnWriteArrayList<>();
    private NotificationDispatcher dispatcher;

    @BeforeEach
    void start() throws IOException {
        server = new FakePushover();
        profiles.put(NotifyProfile.pushover("notify_main", "Main phone", "uKey123456789", "aTok987654321"));
        dispatcher = new NotificationDispatcher(List.of(new PushoverNotifier(server.uri(), Duration.ofSeconds(5))),
                profiles, journal, events::add, Clock.fixed(NOW, ZONE), NotificationDispatcher.DEFAULT_QUEUE_CAPACITY);
    }

    @AfterEach
    void stop() {
        dispatcher.close();
        server.close();
    }

    @Test
    void an_unknown_or_blank_profile_id_is_not_found() {
        assertThatThrownBy(() -> dispatcher.sendTest("notify_nope", "hi"))
                .isInstanceOf(ProfileNotFoundException.class)
                .hasMessage("There is no notification profile with the id 'notify_nope'.")
                .satisfies(e -> assertThat(((ProfileNotFoundException) e).profileId()).isEqualTo("notify_nope"));
        assertThatThrownBy(() -> dispatcher.sendTest("  ", "hi")).isInstanceOf(ProfileNotFoundException.class);
        assertThatThrownBy(() -> dispatcher.sendTest(null, "hi")).isInstanceOf(ProfileNotFoundException.class);
        assertThat(server.requests()).isEmpty();
    }

    @Test
    void an_inactive_profile_is_refused_without_sending_or_counting() {
        profiles.update("notify_main", p -> p.withCounters(false, 1, 4));

        TestSendOutcome result = dispatcher.sendTest("notify_main", "hi");

        assertThat(result).isEqualTo(new TestSendOutcome(false, Map.of(), "Service is inactive. Please activate it first."));
        assertThat(server.requests()).isEmpty();
        assertThat(journal.rows()).isEmpty();
        assertThat(events).isEmpty();
        assertThat(profiles.get("notify_main").failureCount()).isEqualTo(1);
    }

    @Test
    void a_profile_type_without_notifier_is_refused() {
        profiles.put(new NotifyProfile("notify_gotify", "Gotify", "gotify", true, 0, 0, Map.of(), Map.of()));

        TestSendOutcome result = dispatcher.sendTest("notify_gotify", "hi");

        assertThat(result).isEqualTo(new TestSendOutcome(false, Map.of(), "Unsupported notification type: gotify"));
        assertThat(journal.rows()).isEmpty();
    }

    @Test
    void a_blank_message_sends_the_default_text_and_title_and_journals_as_manual_test() {
        TestSendOutcome result = dispatcher.sendTest("notify_main", "   ");

        String expected = "Pushover Test OK @ 2026-02-11T14:03:05+01:00";
        assertThat(result.ok()).isTrue();
        assertThat(result.error()).isNull();
        assertThat(result.result()).containsEntry("status", 1)
                .containsEntry("request", "647d2300-702c-4b38-8b2f-d56326ae460b");
        assertThat(server.requests()).hasSize(1);
        assertThat(server.requests().get(0).form())
                .containsEntry("message", expected)
                .containsEntry("title", "Pushover Test");
        assertThat(journal.rows()).containsExactly(new JournalEntry(1, NOW, "__manual_test__", "notify_main",
                "Main phone", "success", "Pushover Test", expected, ""));
        assertThat(events).containsExactly(new NotifyProfileStatus("__manual_test__", "notify_main", "Main phone",
                true, 0, 1, "success", null, false, "Pushover Test", expected, NOW));
        assertThat(profiles.get("notify_main").sentCount()).isEqualTo(1);
    }

    @Test
    void a_given_message_is_trimmed_and_the_profile_id_too() {
        TestSendOutcome result = dispatcher.sendTest(" notify_main ", "  Hallo Welt \n");

        assertThat(result.ok()).isTrue();
        assertThat(server.messages()).containsExactly("Hallo Welt");
        assertThat(journal.rows().get(0).message()).isEqualTo("Hallo Welt");
    }

    @Test
    void a_failed_test_send_is_journaled_but_neither_counted_as_a_failure_nor_published_as_a_case_error() {
        server.always(FakePushover.status(400, "{\"errors\":[\"user key is invalid\"],\"status\":0}"));

        TestSendOutcome result = dispatcher.sendTest("notify_main", "hi");

        String error = "HTTP 400: {\"errors\":[\"user key is invalid\"],\"status\":0}";
        assertThat(result).isEqualTo(new TestSendOutcome(false, Map.of(), error));
        assertThat(journal.rows()).containsExactly(new JournalEntry(1, NOW, "__manual_test__", "notify_main",
                "Main phone", "error", "Pushover Test", "hi", error));
        assertThat(events).containsExactly(new NotifyProfileStatus("__manual_test__", "notify_main", "Main phone",
                true, 0, 0, "error", error, false, "Pushover Test", "hi", NOW));
        assertThat(profiles.get("notify_main").failureCount()).isZero();
    }

    @Test
    void an_unconfigured_profile_is_still_tried_and_test_failures_never_disable_it() {
        profiles.put(NotifyProfile.pushover("notify_main", "Main phone", "uKey123456789", ""));

        TestSendOutcome first = dispatcher.sendTest("notify_main", "");
        dispatcher.sendTest("notify_main", "");
        dispatcher.sendTest("notify_main", "");
        TestSendOutcome fourth = dispatcher.sendTest("notify_main", "");

        assertThat(first).isEqualTo(new TestSendOutcome(false, Map.of(), "Missing pushover_user_key or pushover_api_token"));
        assertThat(fourth.error()).isEqualTo("Missing pushover_user_key or pushover_api_token");
        assertThat(server.requests()).isEmpty();
        assertThat(journal.rows()).hasSize(4).extracting(JournalEntry::delivery).containsOnly("error");
        assertThat(profiles.get("notify_main").active()).isTrue();
        assertThat(profiles.get("notify_main").failureCount()).isZero();
        assertThat(events).extracting(McrEvent::type).containsOnly("notify_profile_status");
    }
}
