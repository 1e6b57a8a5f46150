package dev.mcr.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcr.event.GroupStatus;
import dev.mcr.event.RunFinished;
import dev.mcr.event.RunPaused;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExamplesTest {

    @TempDir
    Path dir;
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    @Test
    void the_health_check_sends_up_then_down_then_a_recovery() throws Exception {
        List<String> sent = HealthCheckExample.run(dir, out);
        assertThat(sent).containsExactly("web is up", "web is DOWN", "RECOVERY: web is up");
        assertThat(bytes.toString(StandardCharsets.UTF_8)).contains("[notify Console] Web health: RECOVERY: web is up");
    }

    @Test
    void the_failing_backup_is_paused_after_two_failures() throws Exception {
        RunPaused p = NightlyBackupExample.run(dir, out);
        assertThat(p.consecutiveFailures()).isEqualTo(2);
        assertThat(p.reason()).isEqualTo("auto_pause_failures");
        assertThat(bytes.toString(StandardCharsets.UTF_8)).contains("paused after 2 failures; last message: tar:");
    }

    @Test
    void the_embedded_server_runs_a_runner_over_http_and_the_custom_notifier_gets_the_message() throws Exception {
        EmbeddedServerExample.Result r = EmbeddedServerExample.run(dir, 0, out);
        assertThat(r.port()).isPositive();
        assertThat(r.runStatus()).isEqualTo(200);
        assertThat(r.notifications()).singleElement().asString().startsWith("load is ");
        assertThat(r.status()).contains("\"uptime\"").contains("\"last_case\":\"load is ");
    }

    @Test
    void the_pipeline_runs_its_three_steps_in_order() throws Exception {
        GroupStatus g = GroupPipelineExample.run(dir, out);
        assertThat(g.status()).isEqualTo("finished");
        assertThat(g.completedCount()).isEqualTo(3);
        assertThat(bytes.toString(StandardCharsets.UTF_8)).contains("publish printed: sum is 15");
    }

    @Test
    void the_cron_job_retries_its_failed_first_attempt_and_the_hanging_one_is_stopped_by_its_timeout()
            throws Exception {
        CronRetryExample.Result r = CronRetryExample.run(dir, out);
        assertThat(r.syncAttempts()).extracting(RunFinished::attempt, RunFinished::exitCode)
                .startsWith(org.assertj.core.groups.Tuple.tuple(1, 1), org.assertj.core.groups.Tuple.tuple(2, 0));
        assertThat(r.syncOutput()).startsWith("remote busy", "synced to backup-host");
        assertThat(r.hang().timedOut()).isTrue();
        assertThat(bytes.toString(StandardCharsets.UTF_8)).contains("sync attempt 2 exited 0", "hang timed out: true");
    }

    @Test
    void the_custom_channel_is_validated_against_its_declaration_and_gets_state_run_and_link() throws Exception {
        List<String> lines = CustomChannelExample.run(dir, out);
        assertThat(lines).singleElement().asString()
                .startsWith("DOWN Disk check: disk at 97% (run ")
                .endsWith(", https://mcr.example.org/#runner/disk)");
        assertThat(bytes.toString(StandardCharsets.UTF_8))
                .contains("refused: Service \"Alerts\" (alerts): the field \"file\" (File) is required.");
    }
}
