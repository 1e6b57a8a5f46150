package dev.mcr.files;

import dev.mcr.error.McrException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RunLogsTest {

    private static final String EQ = "=".repeat(80);
    private static final String DASH = "-".repeat(80);

    @TempDir
    Path dir;

    /** Reads a whole log the way the server streams it. */
    static String text(RunLogs logs, String runnerId) {
        try (LogSlice log = logs.open(runnerId, 0)) {
            byte[] bytes = log.stream().readAllBytes();
            assertThat(bytes).hasSize((int) log.length());
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void a_block_writes_the_start_duration_and_trigger_after_the_originals_fields() {
        RunLogs logs = new RunLogs(dir);
        logs.append("runner_a", new RunLogBlock(Instant.parse("2026-11-24T18:12:20.750Z"), ZoneId.of("Europe/Berlin"),
                "Ping NAS", "ping -c1 nas", 0, false, "UP\n", null, 0, Instant.parse("2026-11-24T18:12:18.500Z"), "schedule"));

        assertThat(text(logs, "runner_a")).isEqualTo("\n" + EQ + "\n"
                + "timestamp: 2026-11-24T19:12:20+01:00\n"
                + "runner: Ping NAS\n"
                + "command: ping -c1 nas\n"
                + "exit_code: 0\n"
                + "stopped: False\n"
                + "started: 2026-11-24T19:12:18+01:00\n"
                + "duration_ms: 2250\n"
                + "trigger: schedule\n"
                + DASH + "\n"
                + "UP\n");
    }

    @Test
    void each_run_appends_exactly_the_originals_block() {
        RunLogs logs = new RunLogs(dir);
        logs.append("runner_a", new RunLogBlock(Instant.parse("2026-11-24T18:12:20.750Z"), ZoneId.of("Europe/Berlin"),
                "Ping NAS", "ping -c1 nas", 0, false, "64 bytes from nas\nUP\n"));
        logs.append("runner_a", new RunLogBlock(Instant.parse("2026-07-01T06:00:00Z"), ZoneOffset.UTC,
                "Ping NAS", "sleep 100", null, true, "no newline at the end"));
        logs.append("runner_a", new RunLogBlock(Instant.parse("2026-07-01T06:00:01Z"), ZoneId.of("America/New_York"),
                "Ping NAS", "true", 130, true, ""));

        String expected = "\n" + EQ + "\n"
                + "timestamp: 2026-11-24T19:12:20+01:00\n"
                + "runner: Ping NAS\n"
                + "command: ping -c1 nas\n"
                + "exit_code: 0\n"
                + "stopped: False\n"
                + DASH + "\n"
                + "64 bytes from nas\nUP\n"
                + "\n" + EQ + "\n"
                + "timestamp: 2026-07-01T06:00:00+00:00\n"
                + "runner: Ping NAS\n"
                + "command: sleep 100\n"
                + "exit_code: None\n"
                + "stopped: True\n"
                + DASH + "\n"
                + "no newline at the end\n"
                + "\n" + EQ + "\n"
                + "timestamp: 2026-07-01T02:00:01-04:00\n"
                + "runner: Ping NAS\n"
                + "command: true\n"
                + "exit_code: 130\n"
                + "stopped: True\n"
                + DASH + "\n"
                + "\n";
        assertThat(text(logs, "runner_a")).isEqualTo(expected);
        assertThat(dir.resolve("run_runner_a.log")).hasContent(expected);
    }

    @Test
    void ids_are_reduced_like_the_original_and_never_leave_the_data_folder() {
        RunLogs logs = new RunLogs(dir);
        assertThat(logs.fileFor("runner_0123abc")).isEqualTo(dir.resolve("run_runner_0123abc.log"));
        assertThat(logs.fileFor("../../etc/passwd")).isEqualTo(dir.resolve("run_etc_passwd.log"));
        assertThat(logs.fileFor("..%2F..")).isEqualTo(dir.resolve("run_2F.log"));
        assertThat(logs.fileFor("a/b")).isEqualTo(dir.resolve("run_a_b.log"));
        assertThat(logs.fileFor("..\\..\\x")).isEqualTo(dir.resolve("run_x.log"));
        assertThat(logs.fileFor("-..-")).isEqualTo(dir.resolve("run_-_-.log"));
        assertThat(logs.fileFor("Ümlaut runner")).isEqualTo(dir.resolve("run_mlaut_runner.log"));
        for (String id : List.of("../../etc/passwd", "..%2F..", "a/b", "/abs/path", "x\u0000y", "~root")) {
            Path f = logs.fileFor(id);
            assertThat(f.getParent()).as(id).isEqualTo(dir.toAbsolutePath().normalize());
            logs.append(id, new RunLogBlock(Instant.EPOCH, ZoneOffset.UTC, "r", "c", 0, false, "o"));
            assertThat(f).as(id).exists();
        }
        assertThat(dir.getParent().resolve("etc")).doesNotExist();
    }

    @Test
    void ids_with_nothing_usable_are_refused_with_a_sentence() {
        RunLogs logs = new RunLogs(dir);
        for (String id : List.of("", "...", "/", "___", "../..", "äöü")) {
            assertThatThrownBy(() -> logs.fileFor(id)).as(id)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageEndingWith(".");
            assertThatThrownBy(() -> text(logs, id)).as(id).isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> logs.fileFor(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void reading_a_missing_log_returns_empty_and_creates_nothing_and_invalid_bytes_are_replaced() throws Exception {
        Path sub = dir.resolve("not-yet");
        RunLogs logs = new RunLogs(sub);
        assertThat(text(logs, "runner_a")).isEmpty();
        assertThat(sub).doesNotExist();
        Files.createDirectories(sub);
        assertThat(text(logs, "runner_a")).isEmpty();
        assertThat(sub.resolve("run_runner_a.log")).doesNotExist();

        Files.write(sub.resolve("run_runner_b.log"), new byte[] {'o', 'k', ' ', (byte) 0xff, (byte) 0xc3, '\n'});
        assertThat(text(logs, "runner_b")).isEqualTo("ok \uFFFD\uFFFD\n");
    }

    @Test
    void clearing_empties_the_log_and_clearing_a_missing_log_creates_nothing() {
        RunLogs logs = new RunLogs(dir);
        logs.append("runner_a", new RunLogBlock(Instant.EPOCH, ZoneOffset.UTC, "r", "c", 1, false, "out\n"));
        logs.clear("runner_a");
        assertThat(dir.resolve("run_runner_a.log")).isEmptyFile();
        logs.clear("runner_new");
        assertThat(dir.resolve("run_runner_new.log")).doesNotExist();
    }

    @Test
    void a_log_file_that_is_a_symbolic_link_is_not_followed() throws Exception {
        Path outside = Files.writeString(Files.createTempFile("outside", ".txt"), "untouched");
        try {
            Files.createSymbolicLink(dir.resolve("run_runner_a.log"), outside);
            RunLogs logs = new RunLogs(dir);
            assertThatThrownBy(() -> logs.append("runner_a",
                    new RunLogBlock(Instant.EPOCH, ZoneOffset.UTC, "r", "c", 0, false, "x")))
                    .isInstanceOf(McrException.class).hasMessageContaining("run_runner_a.log");
            assertThatThrownBy(() -> text(logs, "runner_a")).isInstanceOf(McrException.class);
            assertThatThrownBy(() -> logs.clear("runner_a")).isInstanceOf(McrException.class);
            assertThat(outside).hasContent("untouched");
        } finally {
            Files.deleteIfExists(outside);
        }
    }

    @Test
    void concurrent_appends_to_one_log_never_interleave_blocks() throws Exception {
        RunLogs logs = new RunLogs(dir);
        int threads = 8;
        int perThread = 40;
        String bigOutput = "line\n".repeat(2000);
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> new Thread(r, "test-log-writer"));
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int id = t;
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < perThread; i++) {
                        logs.append("runner_a", new RunLogBlock(Instant.EPOCH, ZoneOffset.UTC, "writer " + id,
                                "cmd " + i, 0, false, "start " + id + "/" + i + "\n" + bigOutput + "end " + id + "/" + i + "\n"));
                    }
                }));
            }
            for (Future<?> f : futures) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        String text = Files.readString(dir.resolve("run_runner_a.log"), StandardCharsets.UTF_8);
        String[] blocks = text.split("\n" + EQ + "\n", -1);
        assertThat(blocks).hasSize(threads * perThread + 1);
        for (int b = 1; b < blocks.length; b++) {
            String block = blocks[b];
            String writer = block.substring("timestamp: 1970-01-01T00:00:00+00:00\nrunner: writer ".length(), block.indexOf("\ncommand: "));
            String cmd = block.substring(block.indexOf("command: cmd ") + 13, block.indexOf("\nexit_code"));
            assertThat(block).endsWith("start " + writer + "/" + cmd + "\n" + bigOutput + "end " + writer + "/" + cmd + "\n");
        }
    }
}
