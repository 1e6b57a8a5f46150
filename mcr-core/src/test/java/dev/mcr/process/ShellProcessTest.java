package dev.mcr.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ShellProcessTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final String runId = UUID.randomUUID().toString();
    private final List<ShellProcess> started = new ArrayList<>();

    @AfterEach
    void killLeftovers() {
        started.forEach(ShellProcess::close);
        for (long pid : Procs.liveWithEnv("MCR_RUN_ID", runId)) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    private ShellProcess start(String command) throws IOException {
        return start(ShellProcess.NON_LOGIN_SHELL, command, null);
    }

    private ShellProcess start(List<String> shell, String command, Path workDir) throws IOException {
        ShellProcess p = ShellProcess.start(shell, command, Map.of("MCR_RUN_ID", runId), workDir);
        started.add(p);
        return p;
    }

    private static List<String> collect(ShellProcess p, List<String> into) throws Exception {
        p.pump(into::add);
        return into;
    }

    private static long parsePid(String line) {
        return Long.parseLong(line.strip());
    }

    @Test
    void exit_codes_pass_through() throws Exception {
        ShellProcess p = start("echo hi; exit 3");
        List<String> lines = new ArrayList<>();
        assertThat(p.pump(lines::add)).isEqualTo(3);
        assertThat(lines).containsExactly("hi\n");
        assertThat(p.isAlive()).isFalse();
    }

    @Test
    void a_process_ended_by_a_signal_reports_128_plus_the_signal_number() throws Exception {
        ShellProcess p = start("kill -KILL $$");
        assertThat(p.pump(line -> { })).isEqualTo(137);
    }

    @Test
    void output_lines_end_with_newline_whatever_the_terminator_also_an_unterminated_last_line() throws Exception {
        ShellProcess p = start("printf 'a\\nb\\r\\nc\\rd'");
        assertThat(collect(p, new ArrayList<>())).containsExactly("a\n", "b\n", "c\n", "d\n");
    }

    @Test
    void stderr_is_merged_into_the_output_in_order() throws Exception {
        ShellProcess p = start("echo out; echo err >&2; echo out2");
        assertThat(collect(p, new ArrayList<>())).containsExactly("out\n", "err\n", "out2\n");
    }

    @Test
    void stdin_is_empty_so_commands_reading_it_do_not_hang() throws Exception {
        ShellProcess p = start("cat; read x || echo eof");
        assertThat(collect(p, new ArrayList<>())).containsExactly("eof\n");
    }

    @Test
    void the_extra_environment_and_working_directory_reach_the_command(@TempDir Path dir) throws Exception {
        ShellProcess p = start(ShellProcess.NON_LOGIN_SHELL, "echo \"$MCR_RUN_ID\"; pwd -P; echo \"$HOME\"", dir);
        List<String> lines = collect(p, new ArrayList<>());
        assertThat(lines).containsExactly(runId + "\n", dir.toRealPath() + "\n", System.getenv("HOME") + "\n");
    }

    @Test
    void the_default_shell_is_a_login_bash() throws Exception {
        ShellProcess p = start(ShellProcess.DEFAULT_SHELL, "shopt -q login_shell && echo login", null);
        List<String> lines = collect(p, new ArrayList<>());
        assertThat(lines).isNotEmpty();
        assertThat(lines.get(lines.size() - 1)).isEqualTo("login\n");
    }

    @Test
    void the_pid_is_the_process_group_id() throws Exception {
        Instant before = Instant.now();
        ShellProcess p = start("echo $$; ps -o pgid= -p $$; sleep 1000");
        Instant after = Instant.now();
        Pumped pumped = new Pumped(p);
        assertThat(Procs.await(() -> pumped.lines.size() >= 2, WAIT)).as("two lines").isTrue();
        assertThat(parsePid(pumped.texts().get(0))).isEqualTo(p.pid());
        assertThat(parsePid(pumped.texts().get(1))).isEqualTo(p.pid());
        assertThat(Procs.pgidOf(p.pid())).hasValue(p.pid());
        assertThat(p.startedAt()).isBetween(before, after);
        assertThat(p.isAlive()).isTrue();
        // A SIGINT landing while bash forks sleep is absorbed; signal once sleep really runs.
        Procs.awaitMember(p.pid(), "sleep", WAIT);
        p.terminate();
        assertThat(pumped.exit.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(130);
        assertThat(p.isAlive()).isFalse();
    }

    @Test
    void a_process_that_exits_on_sigint_stops_without_sigterm() throws Exception {
        ShellProcess p = start("trap 'echo got TERM' TERM; trap 'echo got INT; exit 130' INT; echo ready;"
                + " while :; do sleep 0.05; done");
        Pumped pumped = new Pumped(p);
        pumped.awaitLine("ready\n", WAIT);
        p.terminate();
        assertThat(pumped.exit.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(130);
        assertThat(pumped.texts()).containsExactly("ready\n", "got INT\n");
        assertThat(Procfs.groupAlive(p.pid())).isFalse();
    }

    @Test
    void stop_escalates_from_sigint_to_sigterm_to_sigkill_with_the_default_graces() throws Exception {
        ShellProcess p = start("trap 'echo got INT' INT; trap 'echo got TERM' TERM; echo ready;"
                + " while :; do sleep 0.05; done");
        Pumped pumped = new Pumped(p);
        pumped.awaitLine("ready\n", WAIT);
        long t0 = System.nanoTime();
        p.terminate();
        long returned = System.nanoTime();
        assertThat(pumped.exit.get(WAIT.toSeconds(), TimeUnit.SECONDS)).as("killed by SIGKILL").isEqualTo(137);
        Pumped.Line intLine = pumped.find("got INT\n");
        Pumped.Line termLine = pumped.find("got TERM\n");
        assertThat(intLine).as("SIGINT arrived").isNotNull();
        assertThat(termLine).as("SIGTERM arrived").isNotNull();
        // bash may also report its sleep child's death ("Terminated"); only the traps matter here.
        assertThat(pumped.texts().stream().filter(l -> l.startsWith("got "))).containsExactly("got INT\n", "got TERM\n");
        assertThat(millis(intLine.nanos() - t0)).as("SIGINT comes first").isLessThan(1200);
        assertThat(millis(termLine.nanos() - intLine.nanos())).as("SIGTERM after the SIGINT grace")
                .isGreaterThanOrEqualTo(1200);
        assertThat(millis(returned - termLine.nanos())).as("SIGKILL after the SIGTERM grace")
                .isGreaterThanOrEqualTo(1600);
        assertThat(Procfs.groupAlive(p.pid())).isFalse();
    }

    @Test
    void stop_honours_custom_grace_periods() throws Exception {
        ShellProcess p = start("trap '' INT TERM; echo ready; while :; do sleep 0.05; done");
        Pumped pumped = new Pumped(p);
        pumped.awaitLine("ready\n", WAIT);
        long t0 = System.nanoTime();
        p.terminate(Duration.ofMillis(300), Duration.ofMillis(400));
        assertThat(millis(System.nanoTime() - t0)).isGreaterThanOrEqualTo(650);
        assertThat(pumped.exit.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(137);
    }

    @Test
    void stop_kills_background_jobs_that_ignore_sigint_and_sigterm() throws Exception {
        ShellProcess p = start("trap '' INT TERM; (trap '' INT TERM; sleep 1000) & echo $!;"
                + " sleep 1000 & echo $!; sleep 1000 & echo $!; echo ready; sleep 1000");
        Pumped pumped = new Pumped(p);
        pumped.awaitLine("ready\n", WAIT);
        List<Long> pids = new ArrayList<>();
        pids.add(p.pid());
        for (int i = 0; i < 3; i++) {
            pids.add(parsePid(pumped.texts().get(i)));
        }
        assertThat(pids).noneMatch(Procs::isGone);
        p.terminate();
        assertThat(pids).allMatch(Procs::isGone);
        assertThat(Procs.liveWithEnv("MCR_RUN_ID", runId)).isEmpty();
        assertThat(pumped.exit.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(137);
    }

    @Test
    void stop_kills_children_and_grandchildren_that_left_the_process_group() throws Exception {
        ShellProcess p = start("(trap '' INT TERM; exec setsid sleep 1000) & echo $!;"
                + " (trap '' INT TERM; setsid sleep 1000 & echo $!; wait) &"
                + " sleep 0.3; echo ready; sleep 1000");
        Pumped pumped = new Pumped(p);
        pumped.awaitLine("ready\n", WAIT);
        List<Long> escaped = pumped.texts().stream().filter(l -> !l.equals("ready\n")).map(ShellProcessTest::parsePid)
                .toList();
        assertThat(escaped).hasSize(2);
        for (long pid : escaped) {
            assertThat(Procs.pgidOf(pid)).as("left the group").hasValue(pid);
        }
        p.terminate();
        assertThat(escaped).allMatch(Procs::isGone);
        assertThat(Procs.liveWithEnv("MCR_RUN_ID", runId)).isEmpty();
    }

    @Test
    void a_background_job_holding_the_output_does_not_hang_pump_and_is_killed() throws Exception {
        ShellProcess p = start("sleep 1000 & echo $!; exit 3");
        Pumped pumped = new Pumped(p);
        assertThat(pumped.exit.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(3);
        long job = parsePid(pumped.texts().get(0));
        assertThat(Procs.await(() -> Procs.isGone(job), WAIT)).as("background job killed").isTrue();
    }

    @Test
    void a_silent_background_job_holding_the_output_is_killed_after_the_grace() throws Exception {
        ShellProcess p = start("(trap '' INT TERM; sleep 1000) & echo $!; sleep 0.3; echo main done");
        Pumped pumped = new Pumped(p);
        assertThat(pumped.exit.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(0);
        assertThat(pumped.texts()).hasSize(2).endsWith("main done\n");
        long job = parsePid(pumped.texts().get(0));
        assertThat(Procs.await(() -> Procs.isGone(job), WAIT)).as("background job killed").isTrue();
    }

    @Test
    void an_escaped_background_job_holding_the_output_does_not_hang_pump() throws Exception {
        ShellProcess p = start("setsid sleep 1000 & echo $!; sleep 0.3; echo main done");
        Pumped pumped = new Pumped(p);
        assertThat(pumped.exit.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(0);
        long job = parsePid(pumped.texts().get(0));
        assertThat(Procs.pgidOf(job).orElse(job)).isEqualTo(job);
        assertThat(Procs.await(() -> Procs.isGone(job), WAIT)).as("escaped job killed").isTrue();
    }

    @Test
    void an_escaped_holder_is_found_by_its_marker_when_the_pipe_could_not_be_identified() throws Exception {
        // Without pipe identity the output pipe is recognised as the unread pipe of the run's
        // processes; the escaped one is recognised by the marker in its environment, while a
        // pipeline whose inner pipe has its reader is not taken for the output.
        ShellProcess p = startWithoutPipeIdentity("setsid sleep 1000 & echo $!;"
                + " (sleep 1000 | cat) > /dev/null 2>&1 & echo $!; sleep 0.3; echo main done");
        Pumped pumped = new Pumped(p);
        assertThat(pumped.exit.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(0);
        long escaped = parsePid(pumped.texts().get(0));
        long pipeline = parsePid(pumped.texts().get(1));
        assertThat(Procs.await(() -> Procs.isGone(escaped), WAIT)).as("escaped holder killed").isTrue();
        assertThat(Procs.isGone(pipeline)).as("a pipeline writing elsewhere is left alone").isFalse();
    }

    @Test
    void a_group_member_holding_the_output_is_found_when_the_pipe_could_not_be_identified() throws Exception {
        ShellProcess p = startWithoutPipeIdentity("sleep 1000 & echo $!; exit 4");
        Pumped pumped = new Pumped(p);
        assertThat(pumped.exit.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(4);
        long job = parsePid(pumped.texts().get(0));
        assertThat(Procs.await(() -> Procs.isGone(job), WAIT)).as("holder killed").isTrue();
    }

    private ShellProcess startWithoutPipeIdentity(String command) throws IOException {
        ShellProcess p = ShellProcess.start(ShellProcess.NON_LOGIN_SHELL, command, Map.of("MCR_RUN_ID", runId),
                null, false);
        started.add(p);
        return p;
    }

    @Test
    void background_jobs_that_do_not_hold_the_output_outlive_the_run_as_in_the_original() throws Exception {
        ShellProcess p = start("sleep 1000 > /dev/null 2>&1 & echo $!");
        List<String> lines = collect(p, new ArrayList<>());
        long job = parsePid(lines.get(0));
        assertThat(Procs.isGone(job)).isFalse();
        ProcessHandle.of(job).ifPresent(ProcessHandle::destroyForcibly);
    }

    @Test
    void a_failing_sink_kills_the_process_and_its_error_propagates() throws Exception {
        ShellProcess p = start("sleep 1000 & echo $!; sleep 1000");
        RuntimeException boom = new IllegalStateException("sink failed");
        List<String> seen = new ArrayList<>();
        assertThatThrownBy(() -> p.pump(line -> {
            seen.add(line);
            throw boom;
        })).isSameAs(boom);
        long job = parsePid(seen.get(0));
        assertThat(Procs.await(() -> !p.isAlive() && Procs.isGone(job), WAIT)).isTrue();
        assertThat(Procs.await(() -> !Procfs.groupAlive(p.pid()), WAIT)).isTrue();
    }

    @Test
    void terminate_is_safe_concurrently_and_repeatedly() throws Exception {
        ShellProcess p = start("trap '' INT; echo ready; sleep 1000 & wait");
        Pumped pumped = new Pumped(p);
        pumped.awaitLine("ready\n", WAIT);
        CompletableFuture<Void> a = CompletableFuture.runAsync(() -> p.terminate());
        CompletableFuture<Void> b = CompletableFuture.runAsync(() -> p.terminate());
        CompletableFuture.allOf(a, b).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(Procfs.groupAlive(p.pid())).isFalse();
        assertThat(pumped.exit.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isIn(143, 137);
        long t0 = System.nanoTime();
        p.terminate();
        p.close();
        p.close();
        assertThat(millis(System.nanoTime() - t0)).as("nothing left to wait for").isLessThan(1000);
    }

    @Test
    void terminate_without_anyone_reading_the_output_still_stops_the_tree() throws Exception {
        ShellProcess p = start("sleep 1000 & sleep 1000");
        assertThat(Procs.await(() -> Procs.liveWithEnv("MCR_RUN_ID", runId).size() >= 2, WAIT)).isTrue();
        p.terminate();
        assertThat(p.isAlive()).isFalse();
        assertThat(Procs.liveWithEnv("MCR_RUN_ID", runId)).isEmpty();
    }

    @Test
    void kill_stops_everything_at_once() throws Exception {
        ShellProcess p = start("trap '' INT TERM; (trap '' INT TERM; sleep 1000) & echo $!; echo ready; sleep 1000");
        Pumped pumped = new Pumped(p);
        pumped.awaitLine("ready\n", WAIT);
        long job = parsePid(pumped.texts().get(0));
        p.kill();
        assertThat(pumped.exit.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(137);
        assertThat(Procs.await(() -> Procs.isGone(job), WAIT)).isTrue();
    }

    @Test
    void an_interrupted_terminate_kills_at_once_and_keeps_the_interrupt() throws Exception {
        ShellProcess p = start("trap '' INT TERM; echo ready; sleep 1000");
        Pumped pumped = new Pumped(p);
        pumped.awaitLine("ready\n", WAIT);
        Thread.currentThread().interrupt();
        p.terminate();
        assertThat(Thread.interrupted()).as("interrupt flag restored").isTrue();
        assertThat(pumped.exit.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(137);
    }

    @Test
    void pump_may_run_only_once() throws Exception {
        ShellProcess p = start("echo once");
        p.pump(line -> { });
        assertThatThrownBy(() -> p.pump(line -> { })).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("only once");
    }

    @Test
    void bad_arguments_are_rejected_with_clear_messages(@TempDir Path dir) {
        assertThatThrownBy(() -> ShellProcess.start(List.of(), "true", null, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("shell prefix");
        assertThatThrownBy(() -> ShellProcess.start(ShellProcess.NON_LOGIN_SHELL, "true", Map.of("A=B", "x"), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must not contain '='");
        assertThatThrownBy(() -> ShellProcess.start(ShellProcess.NON_LOGIN_SHELL, "true",
                Map.of("TOKEN", "s3cret\0"), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("TOKEN")
                .hasMessageNotContaining("s3cret");
        assertThatThrownBy(() -> ShellProcess.start(ShellProcess.NON_LOGIN_SHELL, "true", null,
                dir.resolve("missing"))).isInstanceOf(IOException.class).hasMessageContaining("does not exist");
        assertThatThrownBy(() -> ShellProcess.start(List.of("/nonexistent/shell"), "true", null, null))
                .isInstanceOf(IOException.class);
    }

    @Test
    void negative_grace_periods_are_rejected() throws Exception {
        ShellProcess p = start("sleep 1000");
        assertThatThrownBy(() -> p.terminate(Duration.ofMillis(-1), Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("SIGINT");
        assertThatThrownBy(() -> p.terminate(Duration.ZERO, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("SIGTERM");
        assertThat(p.isAlive()).isTrue();
    }

    private static long millis(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }

    @Test
    void before_wait_runs_after_each_burst_so_no_line_is_held_back_while_output_is_quiet() throws Exception {
        ShellProcess p = start("echo a; echo b; sleep 0.5; echo c");
        List<String> seen = java.util.Collections.synchronizedList(new ArrayList<>());
        java.util.concurrent.ExecutorService watchers = java.util.concurrent.Executors.newCachedThreadPool();
        int exit;
        try {
            exit = p.pump(line -> seen.add(line.strip()), () -> seen.add("wait"), LineReader.DEFAULT_MAX_LINE_BYTES,
                    watchers);
        } finally {
            watchers.shutdown();
        }
        assertThat(exit).isZero();
        List<String> lines = seen.stream().filter(s -> !s.equals("wait")).toList();
        assertThat(lines).containsExactly("a", "b", "c");
        assertThat(seen.subList(seen.indexOf("b"), seen.indexOf("c"))).as("handed on before the pause").contains("wait");
        assertThat(seen.get(seen.size() - 1)).as("and once at the end").isEqualTo("wait");
    }
}
