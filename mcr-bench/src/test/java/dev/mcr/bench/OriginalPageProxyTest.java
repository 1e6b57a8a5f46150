package dev.mcr.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The proxy of the ui-speed benchmark against a real local server standing in for mcr's. */
class OriginalPageProxyTest {

    @TempDir
    Path checkout;
    HttpServer upstream;
    final AtomicReference<String> seenOrigin = new AtomicReference<>("unset");
    final AtomicReference<String> seenBody = new AtomicReference<>();
    final CountDownLatch releaseSecondEvent = new CountDownLatch(1);
    final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void upstream() throws IOException {
        upstream = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        upstream.createContext("/api/run", ex -> {
            seenOrigin.set(String.valueOf(ex.getRequestHeaders().getFirst("Origin")));
            seenBody.set(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            byte[] b = "{\"ok\": true}".getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(200, b.length);
            ex.getResponseBody().write(b);
            ex.close();
        });
        upstream.createContext("/api/events", ex -> {
            ex.getResponseHeaders().set("Content-Type", "text/event-stream");
            ex.sendResponseHeaders(200, 0);
            OutputStream out = ex.getResponseBody();
            out.write("data: first\n\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
            try {
                releaseSecondEvent.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            out.write("data: second\n\n".getBytes(StandardCharsets.UTF_8));
            ex.close();
        });
        upstream.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        upstream.start();
        Files.createDirectories(checkout.resolve("templates"));
        Files.createDirectories(checkout.resolve("static"));
        Files.writeString(checkout.resolve("templates/index.html"),
                "<script src=\"/static/app.js?v={{ asset_version }}\"></script><p>v{{ app_version }}</p>");
        Files.writeString(checkout.resolve("static/app.js"), "console.log('original');");
    }

    @AfterEach
    void stop() {
        upstream.stop(0);
    }

    @Test
    void it_serves_the_originals_page_and_files_and_forwards_the_api_without_an_origin_streaming_the_events()
            throws Exception {
        try (OriginalPageProxy proxy = OriginalPageProxy.start(checkout, upstream.getAddress().getPort())) {
            HttpResponse<String> page = get(proxy.url());
            assertThat(page.body()).isEqualTo("<script src=\"/static/app.js?v=bench\"></script><p>voriginal</p>");
            HttpResponse<String> js = get(proxy.url() + "static/app.js?v=bench");
            assertThat(js.headers().firstValue("Content-Type")).contains("text/javascript");
            assertThat(js.body()).isEqualTo("console.log('original');");
            assertThat(get(proxy.url() + "static/../templates/index.html").statusCode()).isEqualTo(404);

            HttpResponse<String> run = http.send(HttpRequest.newBuilder(URI.create(proxy.url() + "api/run"))
                    .header("Content-Type", "application/json").header("Origin", proxy.url().replaceAll("/$", ""))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"runner_id\": \"a\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(run.statusCode()).isEqualTo(200);
            assertThat(run.body()).isEqualTo("{\"ok\": true}");
            assertThat(seenBody.get()).isEqualTo("{\"runner_id\": \"a\"}");
            assertThat(seenOrigin.get()).as("the Origin header is not forwarded").isEqualTo("null");

            // The first event arrives while the upstream still holds the stream open.
            HttpResponse<InputStream> events = http.send(HttpRequest.newBuilder(URI.create(proxy.url() + "api/events"))
                    .build(), HttpResponse.BodyHandlers.ofInputStream());
            try (BufferedReader r = new BufferedReader(new InputStreamReader(events.body(), StandardCharsets.UTF_8))) {
                assertThat(r.readLine()).isEqualTo("data: first");
                releaseSecondEvent.countDown();
                assertThat(r.readLine()).isEmpty();
                assertThat(r.readLine()).isEqualTo("data: second");
            }
        }
    }

    @Test
    void a_folder_that_is_no_checkout_of_the_original_is_refused_with_a_sentence() {
        assertThatThrownBy(() -> OriginalPageProxy.start(checkout.resolve("templates"), 1))
                .isInstanceOf(IOException.class).hasMessageContaining("is no checkout of the original");
    }

    private HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
