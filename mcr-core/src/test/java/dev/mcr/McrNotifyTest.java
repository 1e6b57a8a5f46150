package dev.mcr;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcr.crypto.SecretMasking;
import dev.mcr.event.NotifyProfileStatus;
import dev.mcr.event.RunFinished;
import dev.mcr.model.AppState;
import dev.mcr.model.CaseState;
import dev.mcr.model.Ids;
import dev.mcr.model.NotifyProfile;
import dev.mcr.model.Runner;
import dev.mcr.model.StateJson;
import dev.mcr.store.JournalEntry;
import dev.mcr.store.JournalQuery;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Notifications through the facade, against a real local HTTP server standing in for Pushover. */
class McrNotifyTest {

    @TempDir
    Path dir;
    LocalPushover pushover;
    List<String> bodies;
    Mcr mcr;
    EventRecorder events;

    @BeforeEach
    void open() throws IOException {
        pushover = new LocalPushover();
        bodies = pushover.bodies();
        mcr = Mcr.builder().dataDir(dir).seedDemo(false)
                .pushoverUrl(pushover.url())
                .build();
        events = new EventRecorder(mcr);
    }

    @AfterEach
    void close() {
        events.close();
        mcr.close();
        pushover.close();
    }

    @Test
    void a_case_match_is_delivered_journaled_and_counted_and_a_repeat_of_up_is_not_sent() throws Exception {
        mcr.saveProfile(NotifyProfile.pushover("notify_main", "Phone", "uKEY-very-secret", "aTOKEN-very-secret"));
        Runner r = mcr.saveRunner(Runner.builder(Ids.newId("runner")).name("NAS")
                .command("echo UP; echo UP").onMatch("UP", CaseState.UP, "NAS is up").notify("notify_main").build());
        mcr.start(r.id());
        NotifyProfileStatus st = events.await(NotifyProfileStatus.class, e -> true);
        assertThat(st.delivery()).isEqualTo("success");
        assertThat(st.sentCount()).isEqualTo(1);
        assertThat(st.title()).isEqualTo("NAS");
        events.await(RunFinished.class, e -> e.runnerId().equals(r.id()));
        // One worker delivers in queue order: once a later runner's message is through, a repeat of NAS's would
        // have been delivered before it.
        Runner marker = mcr.saveRunner(Runner.builder(Ids.newId("runner")).name("Marker")
                .command("echo MARK").onMatch("MARK", CaseState.WARN, "marker").notify("notify_main").build());
        mcr.start(marker.id());
        events.await(NotifyProfileStatus.class, e -> e.runnerId().equals(marker.id()));
        assertThat(bodies).hasSize(2);
        assertThat(bodies.get(0)).contains("token=aTOKEN-very-secret", "user=uKEY-very-secret", "message=NAS is up",
                "title=NAS");
        assertThat(bodies.get(1)).contains("message=marker");
        List<JournalEntry> journal = mcr.notifications(JournalQuery.newest());
        assertThat(journal).extracting(JournalEntry::runnerId).containsExactly(marker.id(), r.id());
        assertThat(journal.get(1).delivery()).isEqualTo(JournalEntry.SUCCESS);
        assertThat(mcr.state().profile("notify_main").orElseThrow().sentCount()).isEqualTo(2);
    }

    @Test
    void secrets_are_masked_for_clients_kept_on_save_and_encrypted_at_rest() throws Exception {
        mcr.saveProfile(NotifyProfile.pushover("notify_main", "Phone", "uKEY-very-secret", "aTOKEN-very-secret"));
        AppState masked = mcr.maskedState();
        NotifyProfile p = masked.profile("notify_main").orElseThrow();
        assertThat(p.configValue(NotifyProfile.USER_KEY)).isEqualTo(SecretMasking.SECRET_SET);
        assertThat(StateJson.write(masked)).doesNotContain("very-secret");
        // a client sends the masked state back with stale counters: secrets and counters are kept
        mcr.sendTest("notify_main", "hello");
        AppState stale = masked.withNotifyProfiles(List.of(p.withCounters(true, 2, 0)));
        mcr.saveState(stale);
        NotifyProfile saved = mcr.state().profile("notify_main").orElseThrow();
        assertThat(saved.configValue(NotifyProfile.API_TOKEN)).isEqualTo("aTOKEN-very-secret");
        assertThat(saved.sentCount()).isEqualTo(1);
        assertThat(saved.failureCount()).isZero();
        // WAL mode: recent pages live in app.db-wal until a checkpoint
        String raw = new String(Files.readAllBytes(dir.resolve("app.db")), StandardCharsets.ISO_8859_1)
                + (Files.exists(dir.resolve("app.db-wal"))
                ? new String(Files.readAllBytes(dir.resolve("app.db-wal")), StandardCharsets.ISO_8859_1) : "");
        assertThat(raw).doesNotContain("very-secret").contains("enc:v1:");
        assertThat(mcr.export().json()).doesNotContain("very-secret").doesNotContain("notify_profiles");
    }

    @Test
    void a_test_send_uses_the_default_message_and_title() throws Exception {
        mcr.saveProfile(NotifyProfile.pushover("notify_main", "Phone", "u", "t"));
        var result = mcr.sendTest("notify_main", " ");
        assertThat(result.ok()).isTrue();
        assertThat(result.result()).containsEntry("status", 1);
        assertThat(bodies.get(0)).contains("message=Pushover Test OK @ ", "title=Pushover Test");
        assertThat(mcr.notifications(JournalQuery.newest()).get(0).runnerId()).isEqualTo("__manual_test__");
        assertThat(mcr.clearNotifications()).isEqualTo(1);
        assertThat(mcr.notifications(JournalQuery.newest())).isEmpty();
        Map<String, Object> json = events.await(NotifyProfileStatus.class, e -> true).toJson(mcr.zone());
        assertThat(json).containsEntry("runner_id", "__manual_test__").doesNotContainKey("reason");
    }
}
