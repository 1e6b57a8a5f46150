package dev.mcr.server;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * One HTTP answer as the routes build it, free of the HTTP library's types: a body of bytes, a body of known
 * length read from an input stream ({@link Sized}), or a stream written until the client goes away.
 *
 * @param status      the status code
 * @param contentType the {@code Content-Type}, or {@code null} for none
 * @param headers     extra headers
 * @param body        the body (empty for a stream)
 * @param stream      the streaming body (a {@link Sized} one has a known length), or {@code null}
 */
record HttpResponse(int status, String contentType, Map<String, String> headers, byte[] body, Stream stream) {

    /** JSON answers carry no charset parameter, like the original's. */
    static final String JSON = "application/json";
    static final String TEXT = "text/plain; charset=utf-8";
    static final String HTML = "text/html; charset=utf-8";

    /** A body written piece by piece until it ends or the client disconnects. */
    interface Stream extends Closeable {
        /**
         * Writes the body; returns when it is complete.
         *
         * @param out        the connection, unbuffered
         * @param clientGone tells, without blocking, whether the client closed the connection (a stream that
         *                   waits for something to write asks it now and then, so a closed client frees its
         *                   resources within a second even when nothing is written)
         * @throws IOException when the client is gone
         */
        void writeTo(OutputStream out, BooleanSupplier clientGone) throws IOException;

        /** Releases what the stream holds; idempotent, also called when the stream never started. */
        @Override
        void close();
    }

    /**
     * A body of known length read from an input stream, such as an open file: sent with a {@code Content-Length}
     * and never held in memory.
     *
     * @param in     the bytes; it must deliver at least {@code length} bytes
     * @param length how many bytes are sent
     */
    record Sized(InputStream in, long length) implements Stream {
        @Override
        public void writeTo(OutputStream out, BooleanSupplier clientGone) throws IOException {
            byte[] buf = new byte[64 * 1024];
            long left = length;
            while (left > 0) {
                int n = in.read(buf, 0, (int) Math.min(buf.length, left));
                if (n < 0) {
                    throw new IOException("The body ended " + left + " bytes before its declared length.");
                }
                out.write(buf, 0, n);
                left -= n;
            }
        }

        @Override
        public void close() {
            try {
                in.close();
            } catch (IOException ignored) {
                // Nothing is lost: the body was read or is no longer wanted.
            }
        }
    }

    HttpResponse {
        headers = Map.copyOf(headers);
        body = body == null ? new byte[0] : body;
    }

    static HttpResponse json(int status, Object value) {
        return new HttpResponse(status, JSON, Map.of(), Json.write(value), null);
    }

    static HttpResponse detail(int status, String detail) {
        return json(status, Map.of("detail", detail));
    }

    static HttpResponse text(int status, String contentType, String text) {
        return new HttpResponse(status, contentType, Map.of(), text.getBytes(StandardCharsets.UTF_8), null);
    }

    static HttpResponse bytes(int status, String contentType, byte[] body) {
        return new HttpResponse(status, contentType, Map.of(), body, null);
    }

    /** A body of {@code length} bytes read from {@code in}, which the answer closes once it is sent. */
    static HttpResponse sized(int status, String contentType, InputStream in, long length) {
        return new HttpResponse(status, contentType, Map.of(), null, new Sized(in, length));
    }

    static HttpResponse stream(String contentType, Map<String, String> headers, Stream stream) {
        return new HttpResponse(200, contentType, headers, null, stream);
    }

    /** Returns a copy with one more header. */
    HttpResponse withHeader(String name, String value) {
        Map<String, String> h = new LinkedHashMap<>(headers);
        h.put(name, value);
        return new HttpResponse(status, contentType, h, body, stream);
    }

    /** Returns a copy with more headers. */
    HttpResponse withHeaders(Map<String, String> more) {
        Map<String, String> h = new LinkedHashMap<>(headers);
        h.putAll(more);
        return new HttpResponse(status, contentType, h, body, stream);
    }
}
