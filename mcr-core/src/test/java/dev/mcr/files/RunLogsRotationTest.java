package dev.mcr.files;

import static dev.mcr.files.RunLogsTest.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Rotation of run logs at a size limit and streaming reads of them, on real files. */
class RunLogsRotationTest {

    private static final String EQ = "=".repeat(80);
    private static final String LINE_OF_A_BLOCK = "|={80}|-{80}|timestamp: .*|runner: r|command: cmd W\\d+|exit_code: 0"
            + "|stopped: False|W\\d+|filler line of W\\d+";

    @TempDir
    Path dir;

    /** A block whose output is {@code marker} followed by filler lines up to about {@code outputBytes}. */
    private static RunLogBlock block(String marker, int outputBytes) {
        StringBuilder out = new StringBuilder(marker).append('\n');
        while (out.length() < outputBytes) {
            out.append("filler line of ").append(marker).append('\n');
        }
        return new RunLogBlock(Instant.EPOCH, ZoneOffset.UTC, "r", "cmd " + marker, 0, false, out.toString());
    }

    private static String formatted(RunLogBlock... blocks) {
        StringBuilder sb = new StringBuilder();
        for (RunLogBlock b : blocks) {
            sb.append(RunLogs.format(b));
        }
        return sb.toString();
    }

    private List<String> logFiles() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("run_")).sorted().toList();
        }
    }

    private String read(String name) throws IOException {
        return Files.readString(dir.resolve(name), StandardCharsets.UTF_8);
    }

    @Test
    void a_log_is_rotated_when_the_next_block_would_make_it_larger_than_the_limit() throws IOException {
        RunLogs logs = new RunLogs(dir, 4096, 3);
        RunLogBlock a = block("A", 1500);
        RunLogBlock b = block("B", 1500);
        RunLogBlock c = block("C", 1500);
        logs.append("r1", a);
        logs.append("r1", b);
        assertThat(logFiles()).containsExactly("run_r1.log");
        assertThat(Files.size(dir.resolve("run_r1.log"))).isLessThanOrEqualTo(4096);

        logs.append("r1", c);

        assertThat(logFiles()).containsExactly("run_r1.log", "run_r1.log.1");
        assertThat(read("run_r1.log.1")).isEqualTo(formatted(a, b));
        assertThat(read("run_r1.log")).isEqualTo(formatted(c));
        assertThat(text(logs, "r1")).isEqualTo(formatted(c));
    }

    @Test
    void a_block_that_fits_exactly_is_appended_without_rotation() throws IOException {
        RunLogBlock a = block("A", 2500);
        long size = RunLogs.format(a).getBytes(StandardCharsets.UTF_8).length;
        RunLogs logs = new RunLogs(dir, 2 * size, 3);
        logs.append("r1", a);
        logs.append("r1", a);
        assertThat(logFiles()).containsExactly("run_r1.log");
        logs.append("r1", a);
        assertThat(logFiles()).containsExactly("run_r1.log", "run_r1.log.1");
        assertThat(Files.size(dir.resolve("run_r1.log.1"))).isEqualTo(2 * size);
    }

    @Test
    void the_oldest_rotated_file_is_deleted_once_max_files_are_kept() throws IOException {
        RunLogs logs = new RunLogs(dir, 4096, 2);
        // Left by an earlier setting with more files, and a file that is not a rotation at all.
        Files.writeString(dir.resolve("run_r1.log.7"), "old");
        Files.writeString(dir.resolve("run_r1.log.bak"), "not ours");
        List<RunLogBlock> blocks = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            RunLogBlock bl = block("B" + i, 3000);
            blocks.add(bl);
            logs.append("r1", bl);
        }
        assertThat(logFiles()).containsExactly("run_r1.log", "run_r1.log.1", "run_r1.log.2", "run_r1.log.bak");
        assertThat(read("run_r1.log")).isEqualTo(formatted(blocks.get(5)));
        assertThat(read("run_r1.log.1")).isEqualTo(formatted(blocks.get(4)));
        assertThat(read("run_r1.log.2")).isEqualTo(formatted(blocks.get(3)));
        assertThat(read("run_r1.log.bak")).isEqualTo("not ours");
    }

    @Test
    void with_max_files_zero_only_the_current_file_is_kept() throws IOException {
        RunLogs logs = new RunLogs(dir, 4096, 0);
        logs.append("r1", block("A", 3000));
        RunLogBlock b = block("B", 3000);
        logs.append("r1", b);
        assertThat(logFiles()).containsExactly("run_r1.log");
        assertThat(read("run_r1.log")).isEqualTo(formatted(b));
    }

    @Test
    void a_block_larger_than_the_limit_is_written_whole_into_a_fresh_file() throws IOException {
        RunLogs logs = new RunLogs(dir, 4096, 5);
        RunLogBlock small = block("S", 100);
        RunLogBlock huge = block("H", 20_000);
        logs.append("r1", huge);
        assertThat(logFiles()).as("an empty log is never rotated").containsExactly("run_r1.log");
        logs.append("r1", small);
        logs.append("r1", huge);
        assertThat(read("run_r1.log.2")).isEqualTo(formatted(huge));
        assertThat(read("run_r1.log.1")).isEqualTo(formatted(small));
        assertThat(read("run_r1.log")).isEqualTo(formatted(huge));
    }

    @Test
    void clearing_empties_the_current_file_and_deletes_the_rotated_ones() throws IOException {
        RunLogs logs = new RunLogs(dir, 4096, 5);
        for (int i = 0; i < 5; i++) {
            logs.append("r1", block("B" + i, 3000));
        }
        logs.append("r2", block("other", 100));
        assertThat(logFiles()).contains("run_r1.log.4");

        logs.clear("r1");

        assertThat(logFiles()).containsExactly("run_r1.log", "run_r2.log");
        assertThat(dir.resolve("run_r1.log")).isEmptyFile();
        assertThat(dir.resolve("run_r2.log")).isNotEmptyFile();
    }

    @Test
    void clearing_a_log_that_only_has_rotated_files_deletes_them_and_creates_nothing() throws IOException {
        RunLogs logs = new RunLogs(dir);
        Files.writeString(dir.resolve("run_r1.log.1"), "rotated");
        logs.clear("r1");
        assertThat(logFiles()).isEmpty();
    }

    @Test
    void a_tail_starts_at_the_first_line_start_within_it() throws IOException {
        RunLogs logs = new RunLogs(dir);
        Files.writeString(dir.resolve("run_r1.log"), "first line\nsecond line\nthird\n");
        // The last 15 bytes are "d line\nthird\n": the first line start inside them is "third".
        assertOpen(logs, 15, "third\n");
        // A cut right after a newline already is a line start.
        assertOpen(logs, "third\n".length(), "third\n");
        assertOpen(logs, "ine\nthird\n".length(), "third\n");
        assertOpen(logs, 0, "first line\nsecond line\nthird\n");
        assertOpen(logs, 1000, "first line\nsecond line\nthird\n");
    }

    @Test
    void a_tail_without_a_line_start_begins_at_the_cut_but_never_inside_a_utf8_character() throws IOException {
        RunLogs logs = new RunLogs(dir);
        // "é" is 2 bytes, "€" 3 bytes, "😀" 4 bytes; no newline but the last byte.
        Files.writeString(dir.resolve("run_r1.log"), "aé€😀b\n");
        assertOpen(logs, 3, "b\n");
        assertOpen(logs, 4, "b\n");
        assertOpen(logs, 5, "b\n");
        assertOpen(logs, 6, "😀b\n");
        assertOpen(logs, 7, "😀b\n");
        assertOpen(logs, 8, "😀b\n");
        assertOpen(logs, 9, "€😀b\n");
        // A tail without any newline at all.
        Files.writeString(dir.resolve("run_r2.log"), "xyz€");
        try (LogSlice c = logs.open("r2", 2)) {
            assertThat(c.length()).isZero();
            assertThat(c.stream().readAllBytes()).isEmpty();
        }
        try (LogSlice c = logs.open("r2", 3)) {
            assertThat(new String(c.stream().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("€");
        }
    }

    private static void assertOpen(RunLogs logs, long tail, String expected) throws IOException {
        try (LogSlice c = logs.open("r1", tail)) {
            byte[] bytes = c.stream().readAllBytes();
            assertThat(new String(bytes, StandardCharsets.UTF_8)).as("tail %d", tail).isEqualTo(expected);
            assertThat(c.length()).as("tail %d", tail).isEqualTo(bytes.length);
        }
    }

    @Test
    void a_negative_tail_is_refused_and_a_missing_log_opens_empty_without_a_file() throws IOException {
        RunLogs logs = new RunLogs(dir);
        assertThatThrownBy(() -> logs.open("r1", -1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("tailBytes must be 0 (the whole log) or more, not -1.");
        try (LogSlice c = logs.open("r1", 10)) {
            assertThat(c.length()).isZero();
            assertThat(c.stream().read()).isEqualTo(-1);
        }
        assertThat(logFiles()).isEmpty();
    }

    @Test
    void an_open_log_keeps_exactly_its_bytes_while_runs_are_appended_rotated_and_cleared() throws IOException {
        RunLogs logs = new RunLogs(dir, 4096, 1);
        RunLogBlock first = block("first", 3000);
        logs.append("r1", first);
        try (LogSlice open = logs.open("r1", 0); LogSlice tail = logs.open("r1", 100)) {
            logs.append("r1", block("second", 100));
            logs.append("r1", block("third", 3000));
            logs.append("r1", block("fourth", 3000));
            assertThat(logFiles()).doesNotContain("run_r1.log.2");
            logs.clear("r1");
            assertThat(new String(open.stream().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(formatted(first));
            String all = formatted(first);
            String lastLines = all.substring(all.indexOf('\n', all.length() - 100 - 1) + 1);
            assertThat(lastLines).startsWith("filler line of first\n");
            assertThat(new String(tail.stream().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(lastLines);
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void a_read_while_another_thread_appends_and_rotates_returns_whole_blocks_only() throws Exception {
        RunLogs logs = new RunLogs(dir, 8192, 2);
        AtomicBoolean stop = new AtomicBoolean();
        CompletableFuture<Integer> writer = CompletableFuture.supplyAsync(() -> {
            int n = 0;
            while (!stop.get()) {
                logs.append("r1", block("W" + n, 200 + (n * 397) % 2500));
                n++;
            }
            return n;
        });
        int reads = 0;
        int nonEmpty = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        try {
            while (System.nanoTime() < deadline || nonEmpty < 50) {
                try (LogSlice c = logs.open("r1", reads % 3 == 0 ? 5000 : 0)) {
                    byte[] bytes = c.stream().readAllBytes();
                    assertThat(bytes).hasSize((int) c.length());
                    String s = new String(bytes, StandardCharsets.UTF_8);
                    reads++;
                    if (s.isEmpty()) {
                        continue;
                    }
                    nonEmpty++;
                    if (reads % 3 != 1) {
                        assertWholeBlocks(s);
                    } else {
                        // A tail starts at a whole line and, from its first block on, holds whole blocks.
                        assertThat(s.substring(0, s.indexOf('\n'))).matches(LINE_OF_A_BLOCK);
                        assertWholeBlocks(s.substring(s.indexOf("\n" + EQ + "\n")));
                    }
                }
            }
        } finally {
            stop.set(true);
        }
        assertThat(writer.get(30, TimeUnit.SECONDS)).as("blocks written").isGreaterThan(20);
        assertThat(logFiles()).as("rotation happened").contains("run_r1.log.1", "run_r1.log.2")
                .doesNotContain("run_r1.log.3");
    }

    private void assertWholeBlocks(String s) {
        assertThat(s).startsWith("\n" + EQ + "\n");
        String[] blocks = s.split("\n" + EQ + "\n", -1);
        for (int i = 1; i < blocks.length; i++) {
            String bl = blocks[i];
            String marker = bl.substring(bl.indexOf("command: cmd ") + "command: cmd ".length(), bl.indexOf("\nexit_code"));
            String output = bl.substring(bl.indexOf("-".repeat(80) + "\n") + 81);
            assertThat(output).startsWith(marker + "\n").endsWith("filler line of " + marker + "\n");
        }
    }

    @Test
    void bad_limits_are_refused_with_a_sentence() {
        assertThatThrownBy(() -> new RunLogs(dir, 4095, 5)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("The log size limit must be at least 4096 bytes, not 4095; the default is 10485760.");
        assertThatThrownBy(() -> new RunLogs(dir, 4096, -1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("The number of rotated log files kept must be between 0 and 1000, not -1; the default "
                        + "is 5.");
        assertThatThrownBy(() -> new RunLogs(dir, 4096, 1001)).isInstanceOf(IllegalArgumentException.class);
    }
}
