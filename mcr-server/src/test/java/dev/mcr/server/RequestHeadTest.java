package dev.mcr.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A request head that never ends (the client ends its side first) or does not fit the library's 8 KiB buffer
 * is answered once and the connection closed. The library itself rewinds to the start of such a head and
 * answers the same bytes again and again, forever, each time on the same thread.
 */
@Timeout(60)
class RequestHeadTest {

    @TempDir
    Path dir;

    /** Sends, ends our side, and reads everything the server sends until it closes (at most 1 MiB, 10 s). */
    private static String exchangeToEnd(int port, byte[] request) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(request);
            s.getOutputStream().flush();
            s.shutdownOutput();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            try {
                for (int n = in.read(buf); n >= 0 && all.size() < 1 << 20; n = in.read(buf)) {
                    all.write(buf, 0, n);
                }
            } catch (SocketTimeoutException e) {
                all.writeBytes("\n(the server did not close the connection)".getBytes(StandardCharsets.US_ASCII));
            }
            return all.toString(StandardCharsets.ISO_8859_1);
        }
    }

    private static int answers(String text) {
        int n = 0;
        for (int i = text.indexOf("HTTP/1.1 "); i >= 0; i = text.indexOf("HTTP/1.1 ", i + 1)) {
            n++;
        }
        return n;
    }

    @Test
    void heads_that_never_end_or_are_too_large_get_one_answer_and_hold_no_thread() throws Exception {
        McrServer.Options twoThreads = McrServer.Options.DEFAULTS.withRequestThreads(2);
        try (ServerFixture f = ServerFixture.start(dir, Map.of(), twoThreads)) {
            int port = f.server.port();
            List<String> unfinished = List.of("GET /api/state", "GET /api/state HTTP/1.1\r\nHost: 127.0.0.1\r\n",
                    "POST /api/state HTTP/1.1\r\nContent-Length: 2\r\n");
            for (int round = 0; round < 5; round++) {
                for (String head : unfinished) {
                    String answer = exchangeToEnd(port, head.getBytes(StandardCharsets.US_ASCII));
                    assertThat(answers(answer)).as(head).isEqualTo(1);
                    assertThat(answer).as(head).startsWith("HTTP/1.1 400 ").contains("{\"detail\":");
                }
                for (String huge : List.of("GET /" + "a".repeat(20_000) + " HTTP/1.1\r\n\r\n",
                        "GET /api/state HTTP/1.1\r\nX-Big: " + "b".repeat(9000) + "\r\n\r\n")) {
                    String answer = exchangeToEnd(port, huge.getBytes(StandardCharsets.US_ASCII));
                    assertThat(answers(answer)).isEqualTo(1);
                    assertThat(answer).startsWith("HTTP/1.1 431 ").contains("larger than 8192 bytes");
                }
            }
            // With two request threads, a single one still held by a looping connection would show here.
            for (int i = 0; i < 10; i++) {
                assertThat(f.get("/api/state").statusCode()).isEqualTo(200);
            }
        }
    }

    @Test
    void a_request_with_two_content_length_headers_is_refused_and_nothing_is_saved() throws Exception {
        try (ServerFixture f = ServerFixture.start(dir)) {
            f.saveState("{\"runners\": [{\"id\": \"runner_keep\", \"command\": \"true\"}]}");
            String before = f.get("/api/state").body();
            String state = "{\"runners\": []}";
            // A proxy using the first length would see a complete save; the second one ends it early.
            String request = "POST /api/state HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: "
                    + state.length() + "\r\ncontent-length: 1\r\n\r\n" + state;
            String answer = exchangeToEnd(f.server.port(), request.getBytes(StandardCharsets.US_ASCII));
            assertThat(answers(answer)).isEqualTo(1);
            assertThat(answer).startsWith("HTTP/1.1 400 ").contains("more than one Content-Length");
            assertThat(f.get("/api/state").body()).isEqualTo(before);
        }
    }

    @Test
    void a_head_split_over_many_small_writes_and_keep_alive_requests_still_work() throws Exception {
        try (ServerFixture f = ServerFixture.start(dir)) {
            try (Socket s = new Socket("127.0.0.1", f.server.port())) {
                s.setSoTimeout(10_000);
                String two = "GET /api/status HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\nGET /api/state HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
                for (byte b : two.getBytes(StandardCharsets.US_ASCII)) {
                    s.getOutputStream().write(b);
                    s.getOutputStream().flush();
                }
                s.shutdownOutput();
                String all = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
                assertThat(answers(all)).isEqualTo(2);
                assertThat(all).contains("\"runners\"");
            }
        }
    }

    @Test
    void heads_that_two_parsers_could_read_differently_get_400_and_nothing_is_saved() throws Exception {
        try (ServerFixture f = ServerFixture.start(dir)) {
            f.saveState("{\"runners\": [{\"id\": \"runner_keep\", \"command\": \"true\"}]}");
            String before = f.get("/api/state").body();
            String state = "{\"runners\": []}";
            String start = "POST /api/state HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n";
            Map<String, String> heads = Map.of(
                    "a bare CR hiding a second Content-Length", start + "X-A: 1\rContent-Length: 2\r\nContent-Length: "
                            + state.length() + "\r\n\r\n",
                    "a header name with a control character", start + "Content-Length\u0001: 2\r\nContent-Length: "
                            + state.length() + "\r\n\r\n",
                    "whitespace before the colon", start + "Content-Length : " + state.length() + "\r\n\r\n",
                    "a signed length", start + "Content-Length: +" + state.length() + "\r\n\r\n",
                    "a hex length", start + "Content-Length: 0x0f\r\n\r\n",
                    "a folded header line", start + "Content-Length: " + state.length() + "\r\n X-Folded: 1\r\n\r\n",
                    "Content-Length with Transfer-Encoding", start + "Content-Length: " + state.length()
                            + "\r\nTransfer-Encoding: chunked\r\n\r\n",
                    "a control character in a value", start + "X-A: a\u0000b\r\nContent-Length: " + state.length()
                            + "\r\n\r\n");
            for (Map.Entry<String, String> e : heads.entrySet()) {
                String answer = exchangeToEnd(f.server.port(), (e.getValue() + state).getBytes(StandardCharsets.ISO_8859_1));
                assertThat(answers(answer)).as(e.getKey()).isEqualTo(1);
                assertThat(answer).as(e.getKey()).startsWith("HTTP/1.1 400 ").contains("{\"detail\":\"");
            }
            assertThat(f.get("/api/state").body()).isEqualTo(before);
        }
    }
}
