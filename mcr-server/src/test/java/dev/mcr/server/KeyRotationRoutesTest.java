package dev.mcr.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.macasaet.fernet.Key;
import dev.mcr.access.Role;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * POST /api/admin/rotate-key through a real server: rotate with the new and the old key, then start with the new key
 * alone, and the stored secrets still reach a local server standing in for Pushover.
 */
class KeyRotationRoutesTest {

    static final String OLD = Key.generateKey().serialise();
    static final String NEW = Key.generateKey().serialise();
    private static final String PW = AccessRolesTest.PASSWORD;

    @TempDir
    Path dir;
    @RegisterExtension
    final LocalPushover pushover = new LocalPushover();

    private Map<String, String> env(String key) {
        return Map.of("MULTI_COMMAND_RUNNER_SECRET_KEY", key, "MULTI_COMMAND_RUNNER_PUSHOVER_URL", pushover.url());
    }

    @Test
    void an_admin_rotates_to_the_new_key_and_after_a_restart_with_it_alone_a_delivery_still_carries_the_secrets() {
        try (ServerFixture f = ServerFixture.start(dir, env(OLD))) {
            f.saveState("{\"notify_profiles\":[{\"id\":\"p1\",\"name\":\"Phone\",\"type\":\"pushover\",\"active\":true,"
                    + "\"config\":{\"user_key\":\"ukey-rotated-1\",\"api_token\":\"tok-rotated-2\"}}],\"runners\":[],"
                    + "\"runner_groups\":[],\"runner_layout\":[]}");
            f.mcr.access().createUser("root", null, Role.ADMIN, PW.toCharArray());
            f.mcr.access().createUser("ed", null, Role.EDITOR, PW.toCharArray());
        }
        try (ServerFixture f = ServerFixture.start(dir, env(NEW + "," + OLD))) {
            Caller ed = Caller.login(f, "ed", PW);
            assertThat(ed.send("POST", "/api/admin/rotate-key", "{}").statusCode()).isEqualTo(403);
            Caller root = Caller.login(f, "root", PW);
            JsonNode report = root.ok("POST", "/api/admin/rotate-key", "{}");
            assertThat(report.get("reencrypted").asInt()).isGreaterThanOrEqualTo(2);
            assertThat(report.get("unreadable")).isEmpty();
            assertThat(report.get("complete").asBoolean()).isTrue();
            assertThat(report.toString()).doesNotContain("ukey-rotated-1").doesNotContain(NEW).doesNotContain(OLD);
            var row = f.mcr.access().auditLog(new dev.mcr.store.AuditQuery(1, "root", "key.rotate", null)).get(0);
            assertThat(row.status()).isEqualTo(200);
            assertThat(row.summary()).startsWith("reencrypted: ");
        }
        try (ServerFixture f = ServerFixture.start(dir, env(NEW))) {
            Caller root = Caller.login(f, "root", PW);
            root.ok("POST", "/api/pushover_test", "{\"profile_id\":\"p1\",\"message\":\"after rotation\"}");
            assertThat(pushover.bodies()).hasSize(1);
            assertThat(pushover.bodies().get(0)).contains("ukey-rotated-1").contains("tok-rotated-2");
        }
    }
}
