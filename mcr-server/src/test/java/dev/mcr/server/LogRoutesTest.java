package dev.mcr.server;

import static dev.mcr.server.ServerFixture.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GET and DELETE of run logs through the real server, with rotation at a small MAX_LOG_BYTES. */
class LogRoutesTest {

    @TempDir
    Path dir;
    ServerFixture f;

    @BeforeEach
    void start() {
        f = ServerFixture.start(dir, Map.of("MAX_LOG_BYTES", "4096", "MAX_LOG_FILES", "2"));
        f.saveState("{\"runners\": [{\"id\": \"r1\", \"name\": \"Lines\", \"command\": \"seq 1 400\"}]}");
    }

    @AfterEach
    void stop() {
        f.close();
    }

    private void runOnce() {
        HttpResponse<String> r = f.post("/api/run", "{\"runner_id\": \"r1\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        f.awaitFinished("r1");
    }

    private List<String> logFiles() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("run_")).sorted().toList();
        }
    }

    @Test
    void get_streams_the_current_log_whole_or_its_tail_and_delete_clears_the_rotated_files_too() throws IOException {
        for (int i = 0; i < 5; i++) {
            runOnce();
        }
        assertThat(logFiles()).containsExactly("run_r1.log", "run_r1.log.1", "run_r1.log.2");
        String current = Files.readString(dir.resolve("run_r1.log"), StandardCharsets.UTF_8);
        assertThat(current).endsWith("\n399\n400\n");

        HttpResponse<String> whole = f.get("/api/log/r1");
        assertThat(whole.statusCode()).isEqualTo(200);
        assertThat(whole.headers().firstValue("Content-Type")).hasValue("text/plain; charset=utf-8");
        assertThat(whole.headers().firstValueAsLong("Content-Length")).hasValue(current.length());
        assertThat(whole.body()).isEqualTo(current);
        assertThat(f.get("/api/log/r1?tail_bytes=0").body()).isEqualTo(current);

        HttpResponse<String> tail = f.get("/api/log/r1?tail_bytes=10");
        assertThat(tail.statusCode()).isEqualTo(200);
        assertThat(tail.body()).isEqualTo("399\n400\n");
        assertThat(tail.headers().firstValueAsLong("Content-Length")).hasValue(8);
        assertThat(f.get("/api/log/r1?tail_bytes=99999999999999999999999").body()).isEqualTo(current);

        HttpResponse<String> d = f.delete("/api/log/r1");
        assertThat(d.statusCode()).isEqualTo(200);
        assertThat(d.body()).isEqualTo("{\"ok\":true,\"message\":\"Log cleared\"}");
        assertThat(logFiles()).containsExactly("run_r1.log");
        assertThat(dir.resolve("run_r1.log")).isEmptyFile();
        assertThat(f.get("/api/log/r1").body()).isEmpty();
    }

    @Test
    void a_tail_bytes_that_is_not_a_whole_number_of_zero_or_more_is_422() {
        for (String bad : new String[] {"abc", "-1", "1.5", "", "1e3"}) {
            HttpResponse<String> r = f.get("/api/log/r1?tail_bytes=" + bad);
            assertThat(r.statusCode()).as(bad).isEqualTo(422);
            assertThat(json(r.body()).path("detail").asText()).as(bad)
                    .isEqualTo("Query parameter 'tail_bytes' must be a whole number of 0 or more.");
        }
    }

    @Test
    void get_and_delete_of_a_log_that_does_not_exist_answer_empty_and_create_no_file() throws IOException {
        HttpResponse<String> r = f.get("/api/log/never_ran?tail_bytes=100");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEmpty();
        assertThat(r.headers().firstValueAsLong("Content-Length")).hasValue(0);
        assertThat(f.delete("/api/log/never_ran").statusCode()).isEqualTo(200);
        assertThat(logFiles()).isEmpty();
    }
}
