package dev.mcr.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What a started command and its children inherit of the environment, seen through real {@code env} runs. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ShellProcessEnvironmentTest {

    private final String unique = UUID.randomUUID().toString();

    /** Runs {@code env}, then {@code env} in a grandchild, under the given inherited environment; returns both listings. */
    private List<List<String>> envListings(Map<String, String> inherited, Set<String> hidden, Map<String, String> extra)
            throws Exception {
        List<String> lines = new ArrayList<>();
        try (ShellProcess p = ShellProcess.start(ShellProcess.NON_LOGIN_SHELL, "env; echo ---; bash -c env",
                inherited, hidden, extra, null, true)) {
            assertThat(p.pump(lines::add)).isZero();
        }
        int sep = lines.indexOf("---\n");
        assertThat(sep).as("separator in %s", lines).isPositive();
        return List.of(lines.subList(0, sep), lines.subList(sep + 1, lines.size()));
    }

    private Map<String, String> inheritedWithSecrets() {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("MULTI_COMMAND_RUNNER_AUTH_PASSWORD", "password-" + unique);
        env.put("MULTI_COMMAND_RUNNER_SECRET_KEY", "key-" + unique);
        env.put("MULTI_COMMAND_RUNNER_AUTH_USER", "user-" + unique);
        env.put("MCR_ANYTHING", "mcr-" + unique);
        env.put("MCR_RUN_ID", "outer-run-" + unique);
        env.put("APP_DB_PASSWORD", "db-" + unique);
        env.put("KEEP_ME", "visible-" + unique);
        return env;
    }

    @Test
    void a_command_and_its_grandchild_see_no_mcr_variable_and_no_hidden_name_but_everything_else() throws Exception {
        String runId = "run-" + unique;
        List<List<String>> listings = envListings(inheritedWithSecrets(), Set.of("APP_DB_PASSWORD"),
                Map.of("MCR_RUN_ID", runId, "MCR_RUNNER_ID", "r1"));
        for (List<String> env : listings) {
            assertThat(env).contains("KEEP_ME=visible-" + unique + "\n", "MCR_RUN_ID=" + runId + "\n",
                    "MCR_RUNNER_ID=r1\n");
            assertThat(env).filteredOn(l -> l.startsWith("PATH=")).hasSize(1);
            assertThat(String.join("", env)).doesNotContain("password-" + unique, "key-" + unique,
                    "user-" + unique, "mcr-" + unique, "outer-run-" + unique, "db-" + unique,
                    "MULTI_COMMAND_RUNNER_", "MCR_ANYTHING", "APP_DB_PASSWORD");
        }
    }

    @Test
    void a_name_is_hidden_only_when_declared_and_only_exactly() throws Exception {
        List<List<String>> listings = envListings(inheritedWithSecrets(), Set.of("APP_DB"), Map.of());
        for (List<String> env : listings) {
            assertThat(env).contains("APP_DB_PASSWORD=db-" + unique + "\n", "KEEP_ME=visible-" + unique + "\n");
            assertThat(String.join("", env)).doesNotContain("MULTI_COMMAND_RUNNER_", "MCR_");
        }
    }
}
