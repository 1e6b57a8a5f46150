package dev.mcr.server;

import static dev.mcr.server.ServerFixture.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EventStreamTest {

    private static final Duration DEADLINE = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    /** Reads {@code data:} messages (and comments) from an event stream. */
    private static final class Frames {
        /** Where lines come from. */
        interface Lines {
            String readLine() throws IOException;
        }

        private final Lines reader;

        Frames(InputStream in) {
            this(new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))::readLine);
        }

        Frames(Lines lines) {
            reader = lines;
        }

        /** Returns the next frame's text without the blank line, or {@code null} at the end. */
        String nextRaw() throws IOException {
            StringBuilder frame = new StringBuilder();
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (line.isEmpty()) {
                    return frame.toString();
                }
                frame.append(line);
            }
            return null;
        }

        /** Returns the next event, skipping pings. */
        JsonNode next() throws IOException {
            for (String f = nextRaw(); f != null; f = nextRaw()) {
                if (f.startsWith("data: ")) {
                    return json(f.substring(6));
                }
            }
            throw new IOException("The stream ended.");
        }
    }

    private static RawHttp openRaw(ServerFixture f) throws IOException {
        RawHttp raw = new RawHttp(f.server.port());
        raw.write("GET /api/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept-Encoding: gzip, deflate\r\n\r\n");
        return raw;
    }

    /** What a tab of the original client sends: the document it loaded, without the keys it does not know. */
    private static com.fasterxml.jackson.databind.node.ObjectNode tabCopy(String getStateBody) {
        com.fasterxml.jackson.databind.node.ObjectNode doc =
                (com.fasterxml.jackson.databind.node.ObjectNode) json(getStateBody);
        doc.remove("layout_version");
        for (String list : List.of("runners", "runner_groups", "notify_profiles")) {
            doc.path(list).forEach(o -> ((com.fasterxml.jackson.databind.node.ObjectNode) o).remove("version"));
        }
        return doc;
    }

    @Test
    void two_tabs_saving_whole_states_do_not_undo_each_other_and_every_change_is_a_state_changed_event() {
        try (ServerFixture f = ServerFixture.start(dir)) {
            f.saveState("{\"runners\": [{\"id\": \"disk\", \"name\": \"Disk check\", \"command\": \"df -h\"}, "
                    + "{\"id\": \"flaky\", \"name\": \"Flaky\", \"command\": \"echo old\"}]}");
            assertTimeoutPreemptively(DEADLINE, () -> {
                HttpResponse<InputStream> r = f.http.send(HttpRequest.newBuilder(f.uri("/api/events")).GET().build(),
                        HttpResponse.BodyHandlers.ofInputStream());
                try (InputStream body = r.body()) {
                    Frames frames = new Frames(body);
                    assertThat(frames.next().path("type").asText()).isEqualTo("snapshot");
                    String loaded = f.get("/api/state").body();
                    JsonNode withVersions = json(loaded);
                    assertThat(withVersions.path("runners").get(1).path("version").asLong()).isEqualTo(1);
                    assertThat(withVersions.path("layout_version").asLong()).isPositive();

                    var tabA = tabCopy(loaded);
                    var tabB = tabCopy(loaded);
                    ((com.fasterxml.jackson.databind.node.ObjectNode) tabB.path("runners").get(1))
                            .put("command", "echo fixed");
                    assertThat(f.post("/api/state", tabB.toString()).statusCode()).isEqualTo(200);
                    ((com.fasterxml.jackson.databind.node.ObjectNode) tabA.path("runners").get(0))
                            .put("name", "Disk check (renamed)");
                    assertThat(f.post("/api/state", tabA.toString()).statusCode()).isEqualTo(200);

                    JsonNode now = json(f.get("/api/state").body());
                    assertThat(now.path("runners").get(1).path("command").asText()).isEqualTo("echo fixed");
                    assertThat(now.path("runners").get(1).path("version").asLong()).isEqualTo(2);
                    assertThat(now.path("runners").get(0).path("name").asText()).isEqualTo("Disk check (renamed)");
                    assertThat(now.path("runners").get(0).path("version").asLong()).isEqualTo(2);

                    List<String> changes = new ArrayList<>();
                    while (changes.size() < 2) {
                        String frame = frames.nextRaw();
                        if (frame.contains("\"state_changed\"")) {
                            changes.add(frame);
                        }
                    }
                    assertThat(changes).containsExactly(
                            "data: {\"type\": \"state_changed\", \"kind\": \"runner\", \"id\": \"flaky\", "
                                    + "\"version\": 2, \"deleted\": false}",
                            "data: {\"type\": \"state_changed\", \"kind\": \"runner\", \"id\": \"disk\", "
                                    + "\"version\": 2, \"deleted\": false}");
                }
            });
        }
    }

    @Test
    void a_client_gets_the_snapshot_and_then_every_line_of_a_ten_thousand_line_run_in_order() {
        try (ServerFixture f = ServerFixture.start(dir)) {
            f.saveState("{\"runners\": [{\"id\": \"seq\", \"name\": \"Seq\", \"command\": \"seq 1 10000\"}]}");
            assertTimeoutPreemptively(DEADLINE, () -> {
                HttpResponse<InputStream> r = f.http.send(HttpRequest.newBuilder(f.uri("/api/events")).GET().build(),
                        HttpResponse.BodyHandlers.ofInputStream());
                try (InputStream body = r.body()) {
                    assertThat(r.statusCode()).isEqualTo(200);
                    Frames frames = new Frames(body);
                    JsonNode snapshot = frames.next();
                    assertThat(snapshot.fieldNames()).toIterable().containsExactly("type", "snapshot", "group_snapshot");
                    assertThat(snapshot.path("type").asText()).isEqualTo("snapshot");

                    assertThat(f.post("/api/run", "{\"runner_id\": \"seq\"}").statusCode()).isEqualTo(200);
                    List<String> lines = new ArrayList<>();
                    List<String> statuses = new ArrayList<>();
                    java.util.Set<String> runIds = new java.util.LinkedHashSet<>();
                    while (true) {
                        JsonNode e = frames.next();
                        if (!"seq".equals(e.path("runner_id").asText())) {
                            continue;
                        }
                        // Every event of the run carries its id after the original's keys; "started" also says who
                        // started it, after the id.
                        List<String> keys = new ArrayList<>();
                        e.fieldNames().forEachRemaining(keys::add);
                        if (e.path("status").asText().equals("started")) {
                            assertThat(keys).endsWith("run_id", "actor");
                            assertThat(e.path("actor").asText()).isEqualTo("anonymous");
                        } else {
                            assertThat(keys).last().isEqualTo("run_id");
                        }
                        runIds.add(e.path("run_id").asText());
                        if (e.path("type").asText().equals("output")) {
                            lines.add(e.path("line").asText());
                        } else if (e.path("type").asText().equals("status")) {
                            statuses.add(e.path("status").asText());
                            if (e.path("status").asText().equals("finished")) {
                                assertThat(e.path("exit_code").asInt()).isZero();
                                break;
                            }
                        }
                    }
                    assertThat(statuses).containsExactly("started", "finished");
                    assertThat(runIds).singleElement().asString().matches("^run_[0-9a-f]{32}$");
                    assertThat(lines).hasSize(10_000);
                    assertThat(lines).isEqualTo(IntStream.rangeClosed(1, 10_000).mapToObj(i -> i + "\n").toList());
                }
            });
        }
    }

    @Test
    void a_client_that_asks_for_batched_output_gets_every_line_in_order_in_few_messages() {
        try (ServerFixture f = ServerFixture.start(dir)) {
            f.saveState("{\"runners\": [{\"id\": \"seq\", \"name\": \"Seq\", \"command\": \"seq 1 10000\", "
                    + "\"cases\": [{\"id\": \"c\", \"pattern\": \"^(\\\\d+)000$\", \"message_template\": \"k {g1}\", "
                    + "\"state\": \"INFO\"}]}]}");
            assertTimeoutPreemptively(DEADLINE, () -> {
                HttpResponse<InputStream> r = f.http.send(HttpRequest.newBuilder(f.uri("/api/events?output=batched"))
                        .GET().build(), HttpResponse.BodyHandlers.ofInputStream());
                try (InputStream body = r.body()) {
                    assertThat(r.statusCode()).isEqualTo(200);
                    Frames frames = new Frames(body);
                    assertThat(frames.next().path("type").asText()).isEqualTo("snapshot");
                    assertThat(f.post("/api/run", "{\"runner_id\": \"seq\"}").statusCode()).isEqualTo(200);
                    List<String> lines = new ArrayList<>();
                    List<String> matchedAfter = new ArrayList<>();
                    int messages = 0;
                    String runId = null;
                    while (true) {
                        JsonNode e = frames.next();
                        String type = e.path("type").asText();
                        if (type.equals("status") && e.path("status").asText().equals("started")) {
                            runId = e.path("run_id").asText();
                        }
                        if (type.equals("output_batch")) {
                            messages++;
                            List<String> keys = new ArrayList<>();
                            e.fieldNames().forEachRemaining(keys::add);
                            assertThat(keys).containsExactly("type", "runner_id", "run_id", "lines");
                            assertThat(e.path("runner_id").asText()).isEqualTo("seq");
                            assertThat(e.path("run_id").asText()).isEqualTo(runId);
                            assertThat(e.path("lines").size()).isBetween(2, EventStream.MAX_BATCH_LINES);
                            e.path("lines").forEach(l -> lines.add(l.asText()));
                        } else if (type.equals("output")) {
                            messages++;
                            lines.add(e.path("line").asText());
                        } else if (type.equals("case_match")) {
                            // A match follows the message that holds its line, as it follows the line unbatched.
                            matchedAfter.add(lines.get(lines.size() - 1).strip() + " " + e.path("message").asText());
                        } else if (type.equals("status") && e.path("status").asText().equals("finished")) {
                            break;
                        }
                    }
                    assertThat(lines).isEqualTo(IntStream.rangeClosed(1, 10_000).mapToObj(i -> i + "\n").toList());
                    assertThat(messages).as("messages for 10 000 lines").isLessThan(2_000);
                    assertThat(matchedAfter).containsExactly(IntStream.rangeClosed(1, 10)
                            .mapToObj(i -> i + "000 k " + i).toArray(String[]::new));
                }
            });
        }
    }

    @Test
    void the_snapshot_carries_each_runners_status_and_the_group_snapshot() {
        try (ServerFixture f = ServerFixture.start(dir)) {
            f.saveState("{\"runners\": [{\"id\": \"r1\", \"command\": \"echo hi\"}],"
                    + " \"runner_groups\": [{\"id\": \"g1\", \"runner_ids\": [\"r1\"]}]}");
            f.post("/api/group/run", "{\"group_id\": \"g1\"}");
            ServerFixture.await(() -> f.mcr.groupSnapshot().containsKey("g1")
                    && f.mcr.groupSnapshot().get("g1").status().equals("finished"), "the group to finish");
            assertTimeoutPreemptively(DEADLINE, () -> {
                try (RawHttp raw = openRaw(f)) {
                    raw.readHead();
                    JsonNode snap = new Frames(raw::line).next();
                    JsonNode r1 = snap.path("snapshot").path("r1");
                    assertThat(r1.path("tail").asText()).isEqualTo("hi\n");
                    assertThat(r1.path("last_exit_code").asInt()).isZero();
                    JsonNode g1 = snap.path("group_snapshot").path("g1");
                    assertThat(g1.path("type").asText()).isEqualTo("group_status");
                    assertThat(g1.path("status").asText()).isEqualTo("finished");
                    assertThat(g1.path("completed_count").asInt()).isEqualTo(1);
                }
            });
        }
    }

    @Test
    void the_stream_has_the_originals_headers_and_is_never_gzipped() throws Exception {
        try (ServerFixture f = ServerFixture.start(dir)) {
            assertTimeoutPreemptively(DEADLINE, () -> {
                try (RawHttp raw = openRaw(f)) {
                    RawHttp.Answer head = raw.readHead();
                    assertThat(head.status()).isEqualTo(200);
                    assertThat(head.header("content-type")).isEqualTo("text/event-stream; charset=utf-8");
                    assertThat(head.header("cache-control")).isEqualTo("no-store");
                    assertThat(head.header("x-accel-buffering")).isEqualTo("no");
                    assertThat(head.header("content-encoding")).isNull();
                    assertThat(head.header("content-length")).isNull();
                    assertThat(raw.line()).startsWith("data: {\"type\": \"snapshot\", \"snapshot\": {");
                }
            });
        }
    }

    @Test
    void a_quiet_stream_gets_a_ping_comment() {
        McrServer.Options fast = McrServer.Options.DEFAULTS.withHeartbeat(Duration.ofMillis(100));
        try (ServerFixture f = ServerFixture.start(dir, Map.of(), fast)) {
            assertTimeoutPreemptively(DEADLINE, () -> {
                try (RawHttp raw = openRaw(f)) {
                    raw.readHead();
                    assertThat(raw.line()).startsWith("data: ");
                    assertThat(raw.line()).isEmpty();
                    assertThat(raw.line()).isEqualTo(": ping");
                    assertThat(raw.line()).isEmpty();
                }
            });
        }
    }

    @Test
    void a_client_that_disconnects_is_released() {
        McrServer.Options fast = McrServer.Options.DEFAULTS.withHeartbeat(Duration.ofMillis(100));
        try (ServerFixture f = ServerFixture.start(dir, Map.of(), fast)) {
            int coreBefore = f.mcr.subscriberCount();
            assertTimeoutPreemptively(DEADLINE, () -> {
                RawHttp raw = openRaw(f);
                raw.readHead();
                assertThat(raw.line()).startsWith("data: ");
                assertThat(f.server.openEventStreams()).isEqualTo(1);
                assertThat(f.mcr.subscriberCount()).isEqualTo(coreBefore + 1);
                raw.close();
                ServerFixture.await(() -> f.server.openEventStreams() == 0, "the stream to be released");
                ServerFixture.await(() -> f.mcr.subscriberCount() == coreBefore, "the subscription to be closed");
            });
        }
    }

    @Test
    void clients_beyond_the_limit_get_503_until_a_slot_is_free() {
        McrServer.Options fast = McrServer.Options.DEFAULTS.withHeartbeat(Duration.ofMillis(100));
        try (ServerFixture f = ServerFixture.start(dir, Map.of("MAX_SSE_SUBSCRIBERS", "2"), fast)) {
            assertTimeoutPreemptively(DEADLINE, () -> {
                try (RawHttp one = openRaw(f); RawHttp two = openRaw(f)) {
                    assertThat(one.readHead().status()).isEqualTo(200);
                    assertThat(two.readHead().status()).isEqualTo(200);
                    HttpResponse<String> third = f.get("/api/events");
                    assertThat(third.statusCode()).isEqualTo(503);
                    assertThat(third.body()).isEqualTo("{\"detail\":\"Too many connected event-stream clients\"}");
                    one.close();
                    ServerFixture.await(() -> f.server.openEventStreams() == 1, "a slot to be freed");
                    try (RawHttp again = openRaw(f)) {
                        assertThat(again.readHead().status()).isEqualTo(200);
                    }
                }
            });
        }
    }

    @Test
    void closing_the_server_ends_the_streams_and_leaves_the_core_open() {
        try (ServerFixture f = ServerFixture.start(dir)) {
            assertTimeoutPreemptively(DEADLINE, () -> {
                try (RawHttp raw = openRaw(f)) {
                    raw.readHead();
                    assertThat(raw.line()).startsWith("data: ");
                    assertThat(raw.line()).isEmpty();
                    f.server.close();
                    f.server.close();
                    assertThat(raw.line()).isNull();
                }
            });
            assertThat(f.server.openEventStreams()).isZero();
            f.mcr.saveStateJson("{\"runners\": [{\"id\": \"after\", \"command\": \"true\"}]}".getBytes(StandardCharsets.UTF_8));
            assertThat(f.mcr.state().runner("after")).isPresent();
        }
    }
}
