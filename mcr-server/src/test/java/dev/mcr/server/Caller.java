package dev.mcr.server;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

/**
 * A client of a {@link ServerFixture} with credentials: a session (cookie and CSRF token), a bearer token, or none.
 *
 * @param f          the server
 * @param cookie     the session cookie ({@code mcr_session=…}), or {@code null}
 * @param csrf       the session's CSRF token, or {@code null}
 * @param bearer     a token's secret, or {@code null}
 */
record Caller(ServerFixture f, String cookie, String csrf, String bearer) {

    static Caller anonymous(ServerFixture f) {
        return new Caller(f, null, null, null);
    }

    static Caller token(ServerFixture f, String secret) {
        return new Caller(f, null, null, secret);
    }

    /** Logs in through the API and fails when that does not work. */
    static Caller login(ServerFixture f, String user, String password) {
        HttpResponse<String> r = anonymous(f).send("POST", "/api/login", "{\"username\":\"" + user
                + "\",\"password\":\"" + password + "\"}");
        if (r.statusCode() != 200) {
            throw new AssertionError("Login of " + user + " failed: " + r.statusCode() + " " + r.body());
        }
        String setCookie = r.headers().firstValue("Set-Cookie").orElseThrow();
        return new Caller(f, setCookie.split(";", 2)[0], ServerFixture.json(r.body()).get("csrf_token").textValue(),
                null);
    }

    /** The same session without its CSRF token. */
    Caller withoutCsrf() {
        return new Caller(f, cookie, null, bearer);
    }

    HttpRequest.Builder builder(String method, String path, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(f.uri(path));
        if (body == null) {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            b.method(method, HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json");
        }
        if (cookie != null) {
            b.header("Cookie", cookie);
        }
        if (csrf != null) {
            b.header("X-CSRF-Token", csrf);
        }
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        return b;
    }

    HttpResponse<String> send(String method, String path, String body) {
        return f.send(builder(method, path, body).build());
    }

    JsonNode ok(String method, String path, String body) {
        HttpResponse<String> r = send(method, path, body);
        if (r.statusCode() != 200) {
            throw new AssertionError(method + " " + path + " answered " + r.statusCode() + " " + r.body());
        }
        return ServerFixture.json(r.body());
    }

    /** The status and the start of the body, without waiting for the end of a stream (the event stream). */
    Status status(String method, String path, String body) {
        try {
            HttpResponse<InputStream> r = f.http.send(builder(method, path, body).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = r.body()) {
                byte[] start = r.statusCode() == 200 && path.equals("/api/events") ? new byte[0] : in.readNBytes(2000);
                return new Status(r.statusCode(), new String(start, StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A status code and the start of the body. */
    record Status(int code, String body) {
    }
}
