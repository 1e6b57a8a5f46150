package dev.mcr.server;

import static dev.mcr.server.ServerFixture.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Ids and asset names that try to leave their folder are refused and touch no file outside it. */
class PathTraversalTest {

    @TempDir
    Path dir;
    Path data;
    ServerFixture f;
    List<String> outsideBefore;

    @BeforeEach
    void start() throws IOException {
        data = dir.resolve("data");
        Files.writeString(dir.resolve("secret.log"), "outside secret");
        Files.writeString(dir.resolve("run_secret.log"), "outside run secret");
        f = ServerFixture.start(data, Map.of(), McrServer.Options.DEFAULTS.withStaticRoot("teststatic/"));
        outsideBefore = outsideFiles();
    }

    @AfterEach
    void stop() throws IOException {
        f.close();
        assertThat(outsideFiles()).as("files outside the data folder").isEqualTo(outsideBefore);
        assertThat(Files.readString(dir.resolve("secret.log"))).isEqualTo("outside secret");
        assertThat(Files.readString(dir.resolve("run_secret.log"))).isEqualTo("outside run secret");
    }

    private List<String> outsideFiles() throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(p -> !p.startsWith(data)).map(p -> dir.relativize(p).toString()).sorted().toList();
        }
    }

    private List<String> dataFiles() throws IOException {
        try (Stream<Path> files = Files.list(data)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static final String[] HOSTILE_IDS = {
        "..%2F..%2Fetc%2Fpasswd", "..%2Fsecret", "%2e%2e%2fsecret", "%2E%2E%2F%2E%2E%2Fetc%2Fpasswd",
        "..%5Csecret", "..%5C..%5Csecret", "%2e%2e", "..", ".", "%00", "r1%00.log", "a%2Fb", "%C3%A9t%C3%A9",
        "%E2%80%AE", "r1.log", "~root", "%20r1", "a".repeat(121), "b".repeat(5000), "%252e%252e%252fsecret",
        "..;secret", "%2F", "run_secret%2F..%2F..%2Fsecret"};

    @Test
    void hostile_log_ids_are_400_for_get_and_delete_and_create_nothing() throws IOException {
        List<String> dataBefore = dataFiles();
        for (String id : HOSTILE_IDS) {
            for (HttpResponse<String> r : List.of(f.get("/api/log/" + id), f.delete("/api/log/" + id))) {
                assertThat(r.statusCode()).as(id).isEqualTo(400);
                assertThat(json(r.body()).path("detail").asText()).isEqualTo("Invalid runner id format");
                assertThat(r.body()).doesNotContain("secret", "root:");
            }
        }
        assertThat(dataFiles()).isEqualTo(dataBefore);
    }

    @Test
    void raw_request_lines_with_traversal_are_refused() throws IOException {
        for (String target : new String[] {"/api/log/../../secret", "/api/log/..\\..\\secret",
                "/api/log/..\\secret", "/api/log/%2e%2e/%2e%2e/etc/passwd", "/api/log//etc/passwd"}) {
            RawHttp.Answer a = RawHttp.exchange(f.server.port(),
                    "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
            assertThat(a.status()).as(target).isEqualTo(400);
            assertThat(a.body()).doesNotContain("secret", "root:");
        }
    }

    @Test
    void a_valid_id_only_ever_names_a_file_in_the_data_folder_and_reading_creates_none() throws IOException {
        assertThat(f.get("/api/log/secret").body()).isEmpty();
        assertThat(data.resolve("run_secret.log")).doesNotExist();
        Files.writeString(data.resolve("run_secret.log"), "inside");
        assertThat(f.get("/api/log/secret").body()).isEqualTo("inside");
    }

    @Test
    void static_names_that_leave_the_folder_are_404() throws IOException {
        for (String target : new String[] {"/static/..%2Foutside.txt", "/static/%2e%2e/outside.txt",
                "/static/js/..%2F..%2Foutside.txt", "/static/%2E%2E%2F%2E%2E%2Fdev/mcr/server/Main.class",
                "/static/..%5Coutside.txt", "/static/.hidden.txt", "/static/js%2F..%2F..%2Foutside.txt"}) {
            HttpResponse<String> r = f.get(target);
            assertThat(r.statusCode()).as(target).isEqualTo(404);
            assertThat(r.body()).isEqualTo("{\"detail\":\"Not Found\"}");
        }
        for (String target : new String[] {"/static/../outside.txt", "/static/..\\outside.txt",
                "/static/js/../../outside.txt", "/static/../../../../etc/passwd"}) {
            RawHttp.Answer a = RawHttp.exchange(f.server.port(),
                    "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
            assertThat(a.status()).as(target).isEqualTo(404);
            assertThat(a.body()).doesNotContain("not public", "root:");
        }
        assertThat(f.get("/static/style.css").statusCode()).isEqualTo(200);
    }
}
