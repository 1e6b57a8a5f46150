package dev.mcr.server;

import fi.iki.elonen.NanoHTTPD;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.logging.Level;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The only class that touches NanoHTTPD 2.3.1 (unmaintained since 2016). It turns the library's session
 * into an {@link HttpRequest} and an {@link HttpResponse} back into bytes, and works around what the
 * library gets wrong:
 * <ul>
 *   <li>{@code parseBody} is never called (CVE-2022-21230 temp files, ASCII decoding, trimming): the body is
 *       read as exactly {@code Content-Length} bytes up to a limit, 411 without it, 413 over it;</li>
 *   <li>the default runner starts one thread per connection without bound: here a fixed pool of named
 *       threads ({@code mcr-http-N}) serves connections and answers 503 when it is full;</li>
 *   <li>temp files can never be created;</li>
 *   <li>a body the route did not read is drained (or the connection closed) so keep-alive stays in sync;</li>
 *   <li>streams ({@code text/event-stream}) are written by {@link StreamingResponse}, flushed per write,
 *       never gzipped.</li>
 * </ul>
 */
final class HttpAdapter extends NanoHTTPD {

    private static final Logger LOG = LoggerFactory.getLogger(HttpAdapter.class);

    /** Bodies up to this size are read and thrown away when a route did not want them; larger ones close the connection. */
    private static final long MAX_DRAIN_BYTES = 16L * 1024 * 1024;

    private static final Map<Integer, String> REASONS = Map.ofEntries(
            Map.entry(200, "OK"), Map.entry(304, "Not Modified"), Map.entry(400, "Bad Request"),
            Map.entry(401, "Unauthorized"), Map.entry(403, "Forbidden"), Map.entry(404, "Not Found"),
            Map.entry(405, "Method Not Allowed"), Map.entry(408, "Request Timeout"), Map.entry(409, "Conflict"),
            Map.entry(411, "Length Required"), Map.entry(413, "Payload Too Large"),
            Map.entry(422, "Unprocessable Entity"), Map.entry(500, "Internal Server Error"),
            Map.entry(503, "Service Unavailable"));

    private static final String BUSY_BODY = "{\"detail\":\"The server is busy; please try again shortly.\"}";
    private static final byte[] BUSY = ("HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
            + "Content-Length: " + BUSY_BODY.length() + "\r\nConnection: close\r\n\r\n" + BUSY_BODY)
            .getBytes(StandardCharsets.US_ASCII);

    /** The most bytes of a request head (request line and headers): the library's buffer size. */
    static final int HEAD_LIMIT = 8192;

    private static final String HEAD_TOO_LARGE_BODY = "{\"detail\":\"The request line and headers are larger than "
            + HEAD_LIMIT + " bytes.\"}";
    private static final byte[] HEAD_TOO_LARGE = ("HTTP/1.1 431 Request Header Fields Too Large\r\n"
            + "Content-Type: application/json\r\nContent-Length: " + HEAD_TOO_LARGE_BODY.length()
            + "\r\nConnection: close\r\n\r\n" + HEAD_TOO_LARGE_BODY).getBytes(StandardCharsets.US_ASCII);

    private static final String DUPLICATE_LENGTH_BODY = "{\"detail\":\"A request must not have more than one "
            + "Content-Length header.\"}";
    private static final byte[] DUPLICATE_LENGTH = ("HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\n"
            + "Content-Length: " + DUPLICATE_LENGTH_BODY.length() + "\r\nConnection: close\r\n\r\n"
            + DUPLICATE_LENGTH_BODY).getBytes(StandardCharsets.US_ASCII);

    private static final String BAD_REQUEST_BODY = "{\"detail\":\"The request could not be parsed.\"}";
    private static final byte[] BAD_REQUEST = ("HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\n"
            + "Content-Length: " + BAD_REQUEST_BODY.length() + "\r\nConnection: close\r\n\r\n" + BAD_REQUEST_BODY)
            .getBytes(StandardCharsets.US_ASCII);

    private final Function<HttpRequest, HttpResponse> handler;
    private final ConnectionRunner runner;

    /**
     * @param host    interface to bind
     * @param port    port, 0 for a free one
     * @param threads most connections served at once
     * @param handler turns a request into a response; must not throw
     */
    HttpAdapter(String host, int port, int threads, Function<HttpRequest, HttpResponse> handler) {
        super(host, port);
        this.handler = handler;
        this.runner = new ConnectionRunner(threads);
        setAsyncRunner(runner);
        setTempFileManagerFactory(NoTempFiles::new);
    }

    /**
     * Binds and starts accepting connections.
     *
     * @param readTimeout how long a connection may stay silent while a request is read
     * @throws IOException when the address cannot be bound
     */
    void listen(Duration readTimeout) throws IOException {
        start((int) Math.min(Integer.MAX_VALUE, readTimeout.toMillis()), true);
    }

    /** Returns the bound port. */
    int port() {
        return getListeningPort();
    }

    /** Stops accepting, closes every connection and stops the pool; idempotent. */
    void shutdown() {
        stop();
        runner.shutdown();
    }

    /**
     * Turns the library's logging off: it reports every client that disconnects as SEVERE on stderr, and
     * this class reports what matters through SLF4J. Changes process-wide logging, so only {@code Main} calls it,
     * after a server started (the library's own static logger then keeps the configured instance alive).
     */
    static void quietLibraryLogging() {
        java.util.logging.Logger.getLogger(NanoHTTPD.class.getName()).setLevel(Level.OFF);
    }

    @Override
    public Response serve(IHTTPSession session) {
        RequestBody body = new RequestBody(session.getInputStream(), session.getHeaders());
        HttpResponse response;
        try {
            HttpRequest request = new HttpRequest(session.getMethod() == null ? "" : session.getMethod().name(),
                    session.getUri() == null ? "" : session.getUri(),
                    session.getParameters() == null ? Map.of() : session.getParameters(),
                    session.getHeaders() == null ? Map.of() : session.getHeaders(), body);
            response = handler.apply(request);
        } catch (RuntimeException e) {
            LOG.error("A request failed unexpectedly.", e);
            response = HttpResponse.detail(500, "Internal Server Error");
        }
        Response r = toLibrary(response);
        if (!body.finish()) {
            r.closeConnection(true);
        }
        return r;
    }

    @Override
    protected boolean useGzipWhenAccepted(Response r) {
        String mime = r.getMimeType();
        if (mime != null && mime.toLowerCase(Locale.ROOT).startsWith("text/event-stream")) {
            return false;
        }
        return super.useGzipWhenAccepted(r);
    }

    @Override
    protected ServerRunnable createServerRunnable(int timeout) {
        return new ServerRunnable(timeout) {
            @Override
            public void run() {
                Thread.currentThread().setName("mcr-http-listener");
                super.run();
            }
        };
    }

    @Override
    protected ClientHandler createClientHandler(Socket socket, InputStream inputStream) {
        try {
            // The library writes the head and the body of an answer separately; with Nagle's algorithm the body
            // then waits for the ACK of the head, which a keep-alive client delays by up to 40 ms.
            socket.setTcpNoDelay(true);
        } catch (IOException e) {
            LOG.debug("Could not turn off Nagle's algorithm: {}", e.toString());
        }
        return new Connection(inputStream, socket);
    }

    private static Response toLibrary(HttpResponse res) {
        Status status = new Status(res.status());
        Response r;
        if (res.stream() instanceof HttpResponse.Sized sized) {
            r = newFixedLengthResponse(status, res.contentType(), sized.in(), sized.length());
            res.headers().forEach(r::addHeader);
        } else if (res.stream() != null) {
            r = new StreamingResponse(status, res.contentType(), res.headers(), res.stream());
        } else {
            byte[] bytes = res.body();
            r = newFixedLengthResponse(status, res.contentType(), new ByteArrayInputStream(bytes), bytes.length);
            res.headers().forEach(r::addHeader);
        }
        r.addHeader("X-Content-Type-Options", "nosniff");
        return r;
    }

    /** A status code with its reason phrase. */
    private record Status(int code) implements Response.IStatus {
        @Override
        public String getDescription() {
            return code + " " + REASONS.getOrDefault(code, "Status");
        }

        @Override
        public int getRequestStatus() {
            return code;
        }
    }

    /** Reads the body as exactly {@code Content-Length} bytes; remembers what is left unread. */
    private static final class RequestBody implements HttpRequest.Body {
        private final InputStream in;
        private final String contentLength;
        private final boolean chunked;
        private boolean consumed;
        private boolean broken;

        RequestBody(InputStream in, Map<String, String> headers) {
            this.in = in;
            Map<String, String> h = headers == null ? Map.of() : headers;
            this.contentLength = h.get("content-length");
            String te = h.get("transfer-encoding");
            this.chunked = te != null && !te.isBlank() && !te.strip().equalsIgnoreCase("identity");
        }

        @Override
        public byte[] read(int limit, String tooLargeDetail) {
            if (consumed) {
                throw new IllegalStateException("The request body was already read.");
            }
            if (contentLength == null || chunked) {
                throw new HttpError(411, "A Content-Length header is required.");
            }
            long length = declaredLength();
            if (length < 0) {
                throw new HttpError(400, "The Content-Length header is not a valid number.");
            }
            if (length > limit) {
                throw new HttpError(413, tooLargeDetail);
            }
            consumed = true;
            try {
                byte[] bytes = in.readNBytes((int) length);
                if (bytes.length < length) {
                    broken = true;
                    throw new HttpError(400, "The request body is shorter than its Content-Length.");
                }
                return bytes;
            } catch (SocketTimeoutException e) {
                broken = true;
                throw new HttpError(408, "The request body did not arrive in time.");
            } catch (IOException e) {
                broken = true;
                throw new HttpError(400, "The request body could not be read.");
            }
        }

        private long declaredLength() {
            try {
                long n = Long.parseLong(contentLength.strip());
                return n < 0 ? -1 : n;
            } catch (NumberFormatException e) {
                return -1;
            }
        }

        /**
         * Makes the connection ready for the next request.
         *
         * @return false when the connection must be closed
         */
        boolean finish() {
            if (broken || chunked) {
                return false;
            }
            if (consumed || contentLength == null) {
                return true;
            }
            long length = declaredLength();
            if (length < 0 || length > MAX_DRAIN_BYTES) {
                return false;
            }
            try {
                long left = length;
                while (left > 0) {
                    long skipped = in.skip(left);
                    if (skipped <= 0) {
                        if (in.read() < 0) {
                            return false;
                        }
                        skipped = 1;
                    }
                    left -= skipped;
                }
                return true;
            } catch (IOException e) {
                return false;
            }
        }
    }

    /** A response written by a {@link HttpResponse.Stream}, delimited by closing the connection. */
    private static final class StreamingResponse extends Response {
        private final Response.IStatus status;
        private final String contentType;
        private final Map<String, String> headers;
        private final HttpResponse.Stream stream;

        StreamingResponse(Response.IStatus status, String contentType, Map<String, String> headers,
                          HttpResponse.Stream stream) {
            super(status, contentType, null, 0);
            this.status = status;
            this.contentType = contentType;
            this.headers = headers;
            this.stream = stream;
            closeConnection(true);
        }

        @Override
        protected void send(OutputStream out) {
            StringBuilder head = new StringBuilder("HTTP/1.1 ").append(status.getDescription()).append("\r\n");
            if (contentType != null) {
                head.append("Content-Type: ").append(contentType).append("\r\n");
            }
            headers.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
            head.append("X-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n");
            try {
                out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                stream.writeTo(out);
            } catch (IOException e) {
                LOG.debug("A streaming client went away: {}", e.toString());
            } finally {
                stream.close();
            }
        }

        @Override
        public void close() {
            stream.close();
        }
    }

    /**
     * One connection: remembers its socket so an overloaded server can still answer 503, and runs the
     * library's request loop itself because the library drops the connection without an answer when its
     * request-line parsing throws (for example {@code IllegalArgumentException} for {@code %zz} in a URL).
     */
    private final class Connection extends ClientHandler {
        private final InputStream in;
        private final Socket socket;

        Connection(InputStream in, Socket socket) {
            super(in, socket);
            this.in = in;
            this.socket = socket;
        }

        @Override
        public void run() {
            try {
                OutputStream out = socket.getOutputStream();
                HTTPSession session = new HTTPSession(new NoTempFiles(), in, out, socket.getInetAddress());
                while (!socket.isClosed()) {
                    Head head = peekHead((BufferedInputStream) session.getInputStream());
                    if (head == Head.NONE) {
                        break;
                    }
                    if (head != Head.COMPLETE) {
                        out.write(head == Head.TOO_LARGE ? HEAD_TOO_LARGE
                                : head == Head.DUPLICATE_LENGTH ? DUPLICATE_LENGTH : BAD_REQUEST);
                        out.flush();
                        break;
                    }
                    try {
                        session.execute();
                    } catch (RuntimeException e) {
                        // Only the library's own parsing gets here: serve() answers every other failure.
                        LOG.debug("A request could not be parsed: {}", e.toString());
                        out.write(BAD_REQUEST);
                        out.flush();
                        break;
                    }
                }
            } catch (IOException e) {
                // The client went away, timed out, or the library ended the connection ("NanoHttpd Shutdown").
                LOG.trace("Connection ended: {}", e.toString());
            } finally {
                lingerBeforeClose(socket);
                close();
                runner.closed(this);
            }
        }
    }

    /** What {@link #peekHead} found before the library parses a request. */
    enum Head { COMPLETE, NONE, INCOMPLETE, TOO_LARGE, DUPLICATE_LENGTH }

    /**
     * Looks ahead (and rewinds) for the end of the request head, the way the library looks for it. The library
     * rewinds to the start when it finds no end, within {@value #HEAD_LIMIT} bytes or before the client ends
     * its side, and then parses the same bytes again on the next round: one hostile request would be answered
     * in an endless loop, holding a thread for good. Such a request is answered once here instead.
     *
     * @param in the session's stream, which the library marks and rewinds within {@value #HEAD_LIMIT} bytes
     * @return whether a whole head is there, nothing came, or the head ended early or was too large
     * @throws IOException when reading fails (including the read timeout)
     */
    static Head peekHead(BufferedInputStream in) throws IOException {
        byte[] buf = new byte[HEAD_LIMIT];
        int len = 0;
        in.mark(HEAD_LIMIT);
        try {
            while (len < HEAD_LIMIT) {
                int n = in.read(buf, len, HEAD_LIMIT - len);
                if (n < 0) {
                    return len == 0 ? Head.NONE : Head.INCOMPLETE;
                }
                int from = Math.max(0, len - 3);
                len += n;
                int end = headEnd(buf, from, len);
                if (end > 0) {
                    return contentLengthHeaders(buf, end) > 1 ? Head.DUPLICATE_LENGTH : Head.COMPLETE;
                }
            }
            return Head.TOO_LARGE;
        } finally {
            in.reset();
        }
    }

    /** The library's test: the end of {@code \r\n\r\n} or {@code \n\n}, or 0 when there is none. */
    private static int headEnd(byte[] b, int from, int len) {
        for (int i = from; i + 1 < len; i++) {
            if (b[i] == '\r' && b[i + 1] == '\n' && i + 3 < len && b[i + 2] == '\r' && b[i + 3] == '\n') {
                return i + 4;
            }
            if (b[i] == '\n' && b[i + 1] == '\n') {
                return i + 2;
            }
        }
        return 0;
    }

    /**
     * Counts the {@code Content-Length} lines of a head. The library keeps only the last of several, while a
     * proxy in front may use the first: the two would disagree where the body ends (request smuggling).
     */
    private static int contentLengthHeaders(byte[] b, int end) {
        String head = new String(b, 0, end, StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
        int count = 0;
        for (String line : head.split("\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).strip().equals("content-length")) {
                count++;
            }
        }
        return count;
    }

    /**
     * Closing a socket with request bytes still unread (a refused or unread body) makes the kernel
     * reset the connection, which can destroy the answer before the client reads it: end our side,
     * then read the rest of the request away, briefly and boundedly.
     */
    static void lingerBeforeClose(Socket socket) {
        if (socket.isClosed()) {
            return;
        }
        try {
            socket.shutdownOutput();
            socket.setSoTimeout(100);
            InputStream in = socket.getInputStream();
            byte[] sink = new byte[8192];
            int total = 0;
            for (int n = in.read(sink); n > 0 && total < 65_536; n = in.read(sink)) {
                total += n;
            }
        } catch (IOException ignored) {
            // The client is gone or silent; nothing more to do for it.
        }
    }

    /** Serves connections on a fixed pool of named threads; a full pool answers 503 at once. */
    private static final class ConnectionRunner implements AsyncRunner {
        private final ThreadPoolExecutor pool;
        private final Set<ClientHandler> open = ConcurrentHashMap.newKeySet();

        ConnectionRunner(int threads) {
            AtomicInteger n = new AtomicInteger();
            pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
                Thread t = new Thread(r, "mcr-http-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
            pool.allowCoreThreadTimeOut(true);
        }

        @Override
        public void exec(ClientHandler handler) {
            open.add(handler);
            try {
                pool.execute(handler);
            } catch (RejectedExecutionException e) {
                open.remove(handler);
                refuse(handler);
            }
        }

        private void refuse(ClientHandler handler) {
            if (handler instanceof Connection c && !pool.isShutdown()) {
                LOG.warn("All {} HTTP threads are busy; a connection was refused with 503.", pool.getMaximumPoolSize());
                try {
                    c.socket.getOutputStream().write(BUSY);
                    c.socket.getOutputStream().flush();
                } catch (IOException ignored) {
                    // The client is gone; nothing more to do for it.
                }
                lingerBeforeClose(c.socket);
            }
            handler.close();
        }

        @Override
        public void closed(ClientHandler handler) {
            open.remove(handler);
        }

        @Override
        public void closeAll() {
            for (ClientHandler h : List.copyOf(open)) {
                h.close();
            }
        }

        void shutdown() {
            pool.shutdown();
            closeAll();
            try {
                if (!pool.awaitTermination(5, TimeUnit.SECONDS)) {
                    pool.shutdownNow();
                }
            } catch (InterruptedException e) {
                pool.shutdownNow();
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Refuses to create temp files: bodies are read into memory with a limit, never spooled to disk. */
    private static final class NoTempFiles implements TempFileManager {
        @Override
        public void clear() {
        }

        @Override
        public TempFile createTempFile(String filenameHint) throws Exception {
            throw new IOException("Temporary files are disabled.");
        }
    }
}
