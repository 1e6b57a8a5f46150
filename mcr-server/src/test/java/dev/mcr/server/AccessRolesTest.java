package dev.mcr.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcr.access.Role;
import dev.mcr.model.Runner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every route of the route table with every role, through a real server; and SECURITY.md shows the same table. */
class AccessRolesTest {

    static final String PASSWORD = "violet-otter-cathedral";

    @TempDir
    Path dir;

    /** Creates one user per role, named after it. */
    static void usersOfEveryRole(ServerFixture f) {
        for (Role role : Role.values()) {
            f.mcr.access().createUser(role.json(), null, role, PASSWORD.toCharArray());
        }
    }

    private static String concrete(String path) {
        return path.replace("{id}", "runner_a").replace("*", "app.js");
    }

    @Test
    void every_route_answers_every_role_as_the_table_says_and_strangers_get_401() {
        try (ServerFixture f = ServerFixture.start(dir)) {
            f.mcr.saveRunner(Runner.builder("runner_a").name("A").command("true").build());
            usersOfEveryRole(f);
            Map<Role, Caller> callers = new LinkedHashMap<>();
            for (Role role : Role.values()) {
                callers.put(role, Caller.login(f, role.json(), PASSWORD));
            }
            Caller stranger = Caller.anonymous(f);
            for (RouteTable.Rule rule : RouteTable.RULES) {
                if (rule.path().equals("/api/logout")) {
                    continue;
                }
                String path = concrete(rule.path());
                String body = rule.method().equals("GET") || rule.method().equals("DELETE") ? null : "{}";
                Caller.Status s = stranger.status(rule.method(), path, body);
                String where = rule.method() + " " + path;
                if (rule.need() == RouteTable.Need.PUBLIC || rule.need() == RouteTable.Need.PAGE) {
                    assertThat(s.code()).as(where + " by a stranger").isNotIn(401, 403);
                } else {
                    assertThat(s.code()).as(where + " by a stranger").isEqualTo(401);
                }
                for (Map.Entry<Role, Caller> c : callers.entrySet()) {
                    Caller.Status r = c.getValue().status(rule.method(), path, body);
                    Role needed = rule.need().role();
                    String who = where + " by " + c.getKey().json();
                    if (needed == null || c.getKey().covers(needed)) {
                        assertThat(r.code()).as(who + ": " + r.body()).isNotIn(401, 403, 500);
                    } else {
                        assertThat(r.code()).as(who).isEqualTo(403);
                        assertThat(r.body()).as(who).contains("Your role " + c.getKey().json() + " may not")
                                .contains("needs the role " + needed.json());
                    }
                }
            }
            for (Caller c : callers.values()) {
                assertThat(c.send("POST", "/api/logout", "{}").statusCode()).isEqualTo(200);
                assertThat(c.send("GET", "/api/state", null).statusCode()).as("after the logout").isEqualTo(401);
            }
        }
    }

    @Test
    void security_md_shows_the_route_table_of_the_code() throws IOException {
        Path security = Path.of("..", "SECURITY.md");
        String text = Files.readString(security, StandardCharsets.UTF_8);
        if (!text.contains(RouteTable.markdown())) {
            // The table as it should be, for pasting into SECURITY.md.
            Files.writeString(Path.of("target", "route-table.md"), RouteTable.markdown(), StandardCharsets.UTF_8);
        }
        assertThat(text).as("SECURITY.md must contain RouteTable.markdown() as it is; regenerate it")
                .contains(RouteTable.markdown());
    }
}
