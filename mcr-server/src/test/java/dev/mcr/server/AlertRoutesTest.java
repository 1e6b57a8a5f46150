package dev.mcr.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcr.access.Role;
import dev.mcr.model.CaseState;
import dev.mcr.model.Runner;
import dev.mcr.store.AuditEntry;
import dev.mcr.store.AuditQuery;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code POST /api/runners/{id}/ack} and {@code /snooze} through the real server, with users and their roles. */
class AlertRoutesTest {

    private static final String PASSWORD = "correct horse battery";

    @TempDir
    Path dir;
    ServerFixture f;
    Caller olga;

    @BeforeEach
    void start() {
        f = ServerFixture.start(dir);
        f.mcr.saveRunner(Runner.builder("nas").name("NAS").command("echo DOWN").shell(Runner.Execution.BASH)
                .onMatch("DOWN", CaseState.DOWN, "NAS down").build());
        f.mcr.access().createUser("olga", null, Role.OPERATOR, PASSWORD.toCharArray());
        olga = Caller.login(f, "olga", PASSWORD);
    }

    @AfterEach
    void stop() {
        f.close();
    }

    private JsonNode alertOf(String runnerId) {
        return ServerFixture.json(olga.send("GET", "/api/status", null).body()).path(runnerId).path("alert");
    }

    @Test
    void an_operator_acknowledges_a_down_who_and_when_are_shown_and_audited_and_nothing_to_acknowledge_is_409() {
        HttpResponse<String> nothing = olga.send("POST", "/api/runners/nas/ack", "{}");
        assertThat(nothing.statusCode()).isEqualTo(409);
        assertThat(ServerFixture.json(nothing.body()).path("detail").asText())
                .isEqualTo("Runner 'nas' has no DOWN or WARN to acknowledge.");

        olga.ok("POST", "/api/run", "{\"runner_id\": \"nas\"}");
        ServerFixture.await(() -> !f.mcr.status().get("nas").lastCase().isEmpty()
                && !f.mcr.status().get("nas").running(), "the run of nas to end with its case");
        JsonNode answer = olga.ok("POST", "/api/runners/nas/ack", "{}");
        assertThat(answer.path("alert").path("acked_by").asText()).isEqualTo("olga");
        assertThat(answer.path("alert").path("acked_state").asText()).isEqualTo("DOWN");
        assertThat(answer.path("alert").path("acked_at").asText()).isNotEmpty();
        assertThat(alertOf("nas").path("acked_by").asText()).isEqualTo("olga");

        List<AuditEntry> audit = f.mcr.access().auditLog(new AuditQuery(5, "olga", "runner.ack", null));
        assertThat(audit).extracting(AuditEntry::status).as("newest first: the acknowledgement, the refused one")
                .containsExactly(200, 409);
        assertThat(audit.get(0).targetId()).isEqualTo("nas");
        assertThat(audit.get(0).targetName()).isEqualTo("NAS");
        assertThat(olga.send("POST", "/api/runners/ghost/ack", "{}").statusCode()).isEqualTo(404);
        assertThat(olga.send("GET", "/api/runners/nas/ack", null).statusCode()).isEqualTo(405);
    }

    @Test
    void a_snooze_is_shown_with_its_end_and_0_ends_it() {
        JsonNode answer = olga.ok("POST", "/api/runners/nas/snooze", "{\"for_s\": 3600}");
        String until = answer.path("alert").path("snoozed_until").asText();
        assertThat(until).isNotEmpty();
        assertThat(alertOf("nas").path("snoozed_until").asText()).isEqualTo(until);
        assertThat(f.mcr.access().auditLog(new AuditQuery(5, "olga", "runner.snooze", null))).hasSize(1);

        olga.ok("POST", "/api/runners/nas/snooze", "{\"for_s\": 0}");
        assertThat(alertOf("nas").isMissingNode()).as("no alert key once nothing is acknowledged or snoozed").isTrue();
    }

    @Test
    void hostile_snooze_bodies_get_400_or_415_with_a_sentence_and_store_nothing() {
        olga.ok("POST", "/api/runners/nas/snooze", "{\"for_s\": 60}");
        JsonNode before = alertOf("nas");
        for (String body : List.of("{\"for_s\": -1}", "{\"for_s\": 2592001}", "{\"for_s\": \"60\"}",
                "{\"for_s\": 1.5}", "{\"for_s\": null}", "{}", "{\"for_s\": 1e400}", "[60]", "{\"for_s\": 6",
                "{\"for_s\": 99999999999999999999999}")) {
            HttpResponse<String> r = olga.send("POST", "/api/runners/nas/snooze", body);
            assertThat(r.statusCode()).as(body + " → " + r.body()).isBetween(400, 422);
            assertThat(ServerFixture.json(r.body()).path("detail").asText()).as(body).isNotEmpty()
                    .doesNotContain("Exception");
        }
        HttpResponse<String> text = f.send(olga.builder("POST", "/api/runners/nas/snooze", null)
                .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString("{\"for_s\": 0}"))
                .build());
        assertThat(text.statusCode()).isEqualTo(415);
        HttpResponse<String> noCsrf = olga.withoutCsrf().send("POST", "/api/runners/nas/snooze", "{\"for_s\": 0}");
        assertThat(noCsrf.statusCode()).isEqualTo(403);
        assertThat(alertOf("nas")).isEqualTo(before);
    }
}
