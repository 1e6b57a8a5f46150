package dev.mcr;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcr.event.McrEvent;
import dev.mcr.event.OutputLine;
import dev.mcr.event.RunFinished;
import dev.mcr.event.RunScheduled;
import dev.mcr.event.RunStarted;
import dev.mcr.store.ConfigKind;
import dev.mcr.model.Runner;
import dev.mcr.testing.ManualScheduler;
import dev.mcr.testing.MutableClock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * How a run runs: its timeout, its retries, its working directory, variables and shell, and the secret variables that
 * reach the run's own process and nothing else. Real bash processes; timeouts and retry delays on a settable clock.
 */
class McrRunExecutionTest extends McrTestBase {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-11T12:00:00Z"));
    private final ManualScheduler scheduler = new ManualScheduler(clock);

    @Override
    Mcr.Builder configure(Mcr.Builder builder) {
        return builder.clock(clock.withZone(ZoneOffset.UTC)).scheduler(scheduler);
    }

    private List<String> lines(String runId) throws InterruptedException {
        return events.all(OutputLine.class).stream().filter(l -> runId.equals(l.runId())).map(OutputLine::text)
                .toList();
    }

    @Test
    void a_run_that_outlasts_its_timeout_is_stopped_with_its_whole_tree_and_counts_as_a_failure() throws Exception {
        mcr.saveRunner(Runner.builder("hang").name("Hang").command("(sleep 1000 &); echo up; sleep 1000")
                .timeout(Duration.ofSeconds(5)).build());
        String runId = mcr.start("hang").runId();
        events.await(OutputLine.class, e -> e.text().equals("up\n"));
        assertThat(Procs.awaitAtLeast("MCR_RUN_ID=" + runId, 2, 10_000)).as("the tree is up")
                .hasSizeGreaterThanOrEqualTo(2);

        scheduler.advance(Duration.ofSeconds(4));
        assertThat(mcr.status().get("hang").running()).as("not before its limit").isTrue();
        scheduler.advance(Duration.ofSeconds(1));

        RunFinished finished = events.await(RunFinished.class, e -> true);
        assertThat(finished.timedOut()).isTrue();
        assertThat(finished.stopped()).isFalse();
        assertThat(finished.consecutiveFailures()).isEqualTo(1);
        assertThat(finished.toJson(ZoneOffset.UTC)).containsEntry("timed_out", true);
        assertThat(logText("hang")).contains("stopped: False\ntimed_out: True (after 5 s)\n");
        assertThat(Procs.withEnvMarker("MCR_RUN_ID=" + runId)).as("no process of the run is left").isEmpty();
    }

    @Test
    void a_failed_run_is_retried_after_delay_times_backoff_each_attempt_a_run_of_its_own() throws Exception {
        mcr.saveRunner(Runner.builder("flaky").command("echo try; exit 3").retries(2, Duration.ofSeconds(10), 3)
                .pauseAfterFailures(2).build());
        mcr.start("flaky");

        RunFinished first = events.await(RunFinished.class, e -> e.attempt() == 1);
        assertThat(first.consecutiveFailures()).as("not the last attempt: no failure yet").isZero();
        RunScheduled retry2 = events.await(RunScheduled.class, e -> e.attempt() == 2);
        assertThat(retry2.inS()).isEqualTo(10);
        scheduler.advance(Duration.ofSeconds(9));
        assertThat(events.all(RunStarted.class)).hasSize(1);
        scheduler.advance(Duration.ofSeconds(1));
        RunStarted second = events.await(RunStarted.class, e -> e.attempt() == 2);
        assertThat(second.ts()).isEqualTo(Instant.parse("2026-03-11T12:00:10Z"));
        events.await(RunFinished.class, e -> e.attempt() == 2);
        assertThat(events.await(RunScheduled.class, e -> e.attempt() == 3).inS()).as("10 s × 3").isEqualTo(30);
        scheduler.advance(Duration.ofSeconds(30));
        RunFinished last = events.await(RunFinished.class, e -> e.attempt() == 3);

        assertThat(last.consecutiveFailures()).as("the last attempt failed: one failure").isEqualTo(1);
        List<RunStarted> starts = events.all(RunStarted.class);
        assertThat(starts).extracting(RunStarted::attempt).containsExactly(1, 2, 3);
        assertThat(starts).extracting(RunStarted::runId).doesNotHaveDuplicates();
        assertThat(starts.get(2).toJson(ZoneOffset.UTC)).containsEntry("attempt", 3);
        scheduler.advance(Duration.ofMinutes(10));
        assertThat(events.all(RunStarted.class)).as("no fourth attempt").hasSize(3);
        assertThat(logText("flaky")).contains("attempt: 1\n", "attempt: 2\n", "attempt: 3\n");
    }

    @Test
    void a_retry_that_succeeds_leaves_no_failure() throws Exception {
        Path marker = dir.resolve("second-time");
        mcr.saveRunner(Runner.builder("second").command("test -e '" + marker + "' || { touch '" + marker
                + "'; exit 1; }").retries(1, Duration.ofSeconds(1), 2).build());
        mcr.start("second");
        events.await(RunScheduled.class, e -> e.attempt() == 2);
        scheduler.advance(Duration.ofSeconds(1));

        RunFinished ok = events.await(RunFinished.class, e -> e.attempt() == 2);
        assertThat(ok.exitCode()).isZero();
        assertThat(ok.consecutiveFailures()).isZero();
    }

    @Test
    void a_run_has_its_working_directory_and_variables_and_mcrs_own_variables_cannot_be_replaced() throws Exception {
        Path work = Files.createDirectory(dir.resolve("work"));
        mcr.saveRunner(Runner.builder("where").command("pwd; echo \"mode=$MODE\"; echo \"id=$MCR_RUNNER_ID\"")
                .workingDirectory(work).env("MODE", "full").build());

        String runId = mcr.start("where").runId();
        events.await(RunFinished.class, e -> true);

        assertThat(lines(runId)).containsExactly(work.toRealPath() + "\n", "mode=full\n", "id=where\n");
    }

    @Test
    void each_shell_runs_the_command_as_its_last_argument() throws Exception {
        String kind = "echo \"$0 $(shopt -q login_shell && echo login || echo plain)\"";
        mcr.saveRunner(Runner.builder("login").command(kind).build());
        mcr.saveRunner(Runner.builder("bash").command(kind).shell(Runner.Execution.BASH).build());
        mcr.saveRunner(Runner.builder("sh").command("echo \"$0\"; readlink /proc/$$/exe").shell(Runner.Execution.SH)
                .build());
        mcr.saveRunner(Runner.builder("list").command("echo \"$0 via=$VIA\"")
                .shell(List.of("env", "VIA=list", "bash", "-c")).build());

        for (String id : List.of("login", "bash", "sh", "list")) {
            String runId = mcr.start(id).runId();
            events.await(RunFinished.class, e -> e.runId().equals(runId));
            List<String> out = lines(runId);
            switch (id) {
                case "login" -> assertThat(out).containsExactly("bash login\n");
                case "bash" -> assertThat(out).containsExactly("bash plain\n");
                case "sh" -> assertThat(out).first().isEqualTo("sh\n");
                default -> assertThat(out).containsExactly("bash via=list\n");
            }
        }
    }

    @Test
    void a_secret_variable_reaches_the_run_and_no_answer_log_event_export_or_database() throws Exception {
        String secret = "hunter2-very-secret";
        mcr.saveRunner(Runner.builder("vault").name("Vault").command("test ${#TOKEN} -eq " + secret.length()
                + " && echo same; echo \"token=$TOKEN\"; env | grep '^TOKEN='").secretEnv("TOKEN", secret)
                .env("PLAIN", "visible").build());

        String runId = mcr.start("vault").runId();
        events.await(RunFinished.class, e -> true);

        assertThat(lines(runId)).as("the process had it; its output shows it masked")
                .containsExactly("same\n", "token=***\n", "TOKEN=***\n");
        assertThat(mcr.clientStateJson()).contains("\"name\":\"TOKEN\",\"value\":\"__SECRET_SET__\",\"secret\":true")
                .contains("\"value\":\"visible\"").doesNotContain(secret);
        assertThat(mcr.objectJson(ConfigKind.RUNNER, "vault")).doesNotContain(secret).contains("__SECRET_SET__");
        assertThat(mcr.export().json()).doesNotContain(secret).contains("\"value\": \"\",\n          \"secret\": true");
        assertThat(logText("vault")).doesNotContain(secret).contains("token=***");
        for (McrEvent e : events.events()) {
            assertThat(e.toJson(ZoneOffset.UTC).toString()).doesNotContain(secret);
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                assertThat(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1)).as(f.toString())
                        .doesNotContain(secret);
            }
        }
        // The masked value a client sends back keeps the stored one.
        mcr.saveStateJson(mcr.clientStateJson().getBytes(StandardCharsets.UTF_8));
        assertThat(mcr.state().runner("vault").orElseThrow().execution().env().get(0).value()).isEqualTo(secret);
    }
}
