package dev.mcr;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs mcr in a child JVM whose environment holds the server's secrets, as the server's would, and looks at what
 * a runner's command and its grandchild print with {@code env}.
 */
class McrEnvironmentTest {

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void no_secret_of_the_mcr_process_environment_reaches_a_command_or_its_grandchild() throws Exception {
        String unique = UUID.randomUUID().toString();
        Path data = dir.resolve("data");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder pb = new ProcessBuilder(java.toString(), "-Xmx128m", "-cp",
                System.getProperty("java.class.path"), EnvChild.class.getName(), data.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("child.out").toFile());
        Map<String, String> env = pb.environment();
        env.put("MULTI_COMMAND_RUNNER_AUTH_USER", "admin-" + unique);
        env.put("MULTI_COMMAND_RUNNER_AUTH_PASSWORD", "password-" + unique);
        env.put("MULTI_COMMAND_RUNNER_SECRET_KEY", "key-" + unique);
        env.put("MCR_EXTRA_SETTING", "mcr-" + unique);
        env.put("APP_DB_PASSWORD", "db-" + unique);
        env.put("KEEP_ME", "visible-" + unique);
        Process child = pb.start();
        try {
            assertThat(child.waitFor(80, TimeUnit.SECONDS)).as("the child finished").isTrue();
            assertThat(child.exitValue()).as("child output:%n%s", Files.readString(dir.resolve("child.out")))
                    .isZero();
        } finally {
            child.destroyForcibly();
        }

        String log = Files.readString(data.resolve("run_" + EnvChild.RUNNER + ".log"), StandardCharsets.UTF_8);
        String output = log.substring(log.indexOf("-".repeat(80) + "\n") + 81);
        String[] listings = output.split("(?m)^---\n", -1);
        assertThat(listings).hasSize(2);
        for (String listing : listings) {
            assertThat(listing).containsPattern("(?m)^KEEP_ME=visible-" + unique + "$")
                    .containsPattern("(?m)^MCR_RUNNER_ID=" + EnvChild.RUNNER + "$")
                    .containsPattern("(?m)^MCR_RUN_ID=.+$")
                    .doesNotContain("admin-" + unique, "password-" + unique, "key-" + unique, "mcr-" + unique,
                            "db-" + unique)
                    .doesNotContainPattern("(?m)^(MULTI_COMMAND_RUNNER_|MCR_EXTRA|APP_DB_PASSWORD)");
        }
    }
}
