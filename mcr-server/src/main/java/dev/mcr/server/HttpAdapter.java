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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
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
 *       read as exactly {@code Content-Length} bytes up to a limit and within a deadline, 411 without it, 413
 *       over it;</li>
 *   <li>the request head is read and checked here before the library sees it: it must arrive whole within a
 *       deadline (a slow-loris head is cut off, 408), and its framing must be unambiguous (a bare CR, a header
 *       name that is not a token, whitespace before a colon, a Content-Length that is not plain digits, two
 *       Content-Lengths, or Content-Length with Transfer-Encoding get 400);</li>
 *   <li>the default runner starts one thread per connection without bound: here a fixed number of request
 *       slots serves connections; when all are taken, the connection that has waited longest for a request
 *       head (idle keep-alive or silent) is closed to make room, and only when every slot stays busy with a
 *       request for 250 ms does a new connection get 503. An event stream gives its slot back: streams are bounded by
 *       their own limit and never starve the API;</li>
 *   <li>temp files can never be created;</li>
 *   <li>a body the route did not read is drained briefly (or the connection closed) so keep-alive stays in
 *       sync;</li>
 *   <li>every answer, including the ones written here without the library, carries the same security
 *       headers;</li>
 *   <li>streams ({@code text/event-stream}) are written by {@link StreamingResponse}, never gzipped, and can
 *       ask whether their client went away.</li>
 * </ul>
 */
final class HttpAdapter extends NanoHTTPD {

    private static final Logger LOG = LoggerFactory.getLogger(HttpAdapter.class);
    /** How long a new connection may wait for a slot that is about to be freed before it is refused with 503. */
    private static final long SLOT_GRACE_NANOS = TimeUnit.MILLISECONDS.toNanos(250);

    /** Bodies up to this size are read and thrown away when a route did not want them; larger ones close the connection. */
    private static final long MAX_DRAIN_BYTES = 16L * 1024 * 1024;
    /** How long an unread body may take to be drained before the connection is closed instead. */
    private static final Duration DRAIN_DEADLINE = Duration.ofSeconds(5);
    /** Most refused connections waiting for their polite 503 at once; beyond this they are just closed. */
    private static final int REFUSALS_QUEUED = 64;

    private static final Map<Integer, String> REASONS = Map.ofEntries(
            Map.entry(200, "OK"), Map.entry(304, "Not Modified"), Map.entry(400, "Bad Request"),
            Map.entry(401, "Unauthorized"), Map.entry(403, "Forbidden"), Map.entry(404, "Not Found"),
            Map.entry(405, "Method Not Allowed"), Map.entry(408, "Request Timeout"), Map.entry(409, "Conflict"),
            Map.entry(411, "Length Required"), Map.entry(413, "Payload Too Large"),
            Map.entry(415, "Unsupported Media Type"), Map.entry(421, "Misdirected Request"),
            Map.entry(422, "Unprocessable Entity"), Map.entry(428, "Precondition Required"),
            Map.entry(431, "Request Header Fields Too Large"),
            Map.entry(500, "Internal Server Error"), Map.entry(503, "Service Unavailable"));

    /** The most bytes of a request head (request line and headers): the library's buffer size. */
    static final int HEAD_LIMIT = 8192;

    static final String BUSY_DETAIL = "The server is busy; please try again shortly.";
    static final String BAD_REQUEST_DETAIL = "The request could not be parsed.";
    static final String HEAD_TIMEOUT_DETAIL = "The request head did not arrive in time.";

    private final Function<HttpRequest, HttpResponse> handler;
    private final Limits limits;
    private final Map<String, String> alwaysHeaders;
    private final ConnectionRunner runner;
    private final ThreadLocal<Connection> current = new ThreadLocal<>();

    /**
     * Timing and size limits of connections.
     *
     * @param requestSlots   most connections served at once, event streams not counted
     * @param headTimeout    how long a whole request head may take, from the connection's start or from the
     *                       first byte of a later request on it
     * @param idleTimeout    how long a keep-alive connection may wait for its next request
     * @param bodyTimeout    how long a whole request body may take
     */
    record Limits(int requestSlots, Duration headTimeout, Duration idleTimeout, Duration bodyTimeout) {
        Limits {
            if (requestSlots < 1) {
                throw new IllegalArgumentException("requestSlots must be at least 1.");
            }
            for (Duration d : List.of(headTimeout, idleTimeout, bodyTimeout)) {
                if (d == null || d.isNegative() || d.isZero()) {
                    throw new IllegalArgumentException("Connection timeouts must be positive.");
                }
            }
        }
    }

    /**
     * @param host          interface to bind
     * @param port          port, 0 for a free one
     * @param limits        connection limits
     * @param alwaysHeaders headers every answer carries (the security headers)
     * @param handler       turns a request into a response; must not throw
     */
    HttpAdapter(String host, int port, Limits limits, Map<String, String> alwaysHeaders,
                Function<HttpRequest, HttpResponse> handler) {
        super(host, port);
        this.handler = handler;
        this.limits = limits;
        this.alwaysHeaders = Map.copyOf(alwaysHeaders);
        this.runner = new ConnectionRunner(limits.requestSlots());
        setAsyncRunner(runner);
        setTempFileManagerFactory(NoTempFiles::new);
    }

    /**
     * Binds and starts accepting connections.
     *
     * @throws IOException when the address cannot be bound
     */
    void listen() throws IOException {
        start((int) Math.min(Integer.MAX_VALUE, limits.headTimeout().toMillis()), true);
    }

    /** Returns the bound port. */
    int port() {
        return getListeningPort();
    }

    /** Stops accepting, closes every connection and stops the threads; idempotent. */
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
        Connection connection = current.get();
        RequestBody body = new RequestBody(session.getInputStream(), session.getHeaders(),
                connection == null ? null : connection.socket, limits.bodyTimeout());
        HttpResponse response;
        try {
            HttpRequest request = new HttpRequest(session.getMethod() == null ? "" : session.getMethod().name(),
                    session.getUri() == null ? "" : session.getUri(),
                    session.getParameters() == null ? Map.of() : session.getParameters(),
                    session.getHeaders() == null ? Map.of() : session.getHeaders(), body,
                    connection == null ? "" : peer(connection.socket), null);
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

    /** The textual address of a connection's other end, without a port ({@code 127.0.0.1}, {@code ::1}). */
    private static String peer(Socket socket) {
        java.net.InetAddress a = socket.getInetAddress();
        return a == null ? "" : a.getHostAddress();
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

    private Response toLibrary(HttpResponse res) {
        Status status = new Status(res.status());
        Response r;
        if (res.stream() instanceof HttpResponse.Sized sized) {
            r = newFixedLengthResponse(status, res.contentType(), sized.in(), sized.length());
            alwaysHeaders.forEach(r::addHeader);
            res.headers().forEach(r::addHeader);
        } else if (res.stream() != null) {
            Map<String, String> headers = new LinkedHashMap<>(alwaysHeaders);
            headers.putAll(res.headers());
            r = new StreamingResponse(status, res.contentType(), headers, res.stream(), current.get());
        } else {
            byte[] bytes = res.body();
            r = newFixedLengthResponse(status, res.contentType(), new ByteArrayInputStream(bytes), bytes.length);
            alwaysHeaders.forEach(r::addHeader);
            res.headers().forEach(r::addHeader);
        }
        return r;
    }

    /** An answer written without the library (the connection is closed after it). */
    private byte[] rawAnswer(int status, String detail) {
        String body = Json.writeString(Map.of("detail", detail));
        byte[] bodyBytes = body.getBytes(StandardCharsets.UTF_8);
        StringBuilder head = new StringBuilder("HTTP/1.1 ").append(new Status(status).getDescription()).append("\r\n")
                .append("Content-Type: application/json\r\n")
                .append("Content-Length: ").append(bodyBytes.length).append("\r\n");
        alwaysHeaders.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
        head.append("Connection: close\r\n\r\n");
        byte[] h = head.toString().getBytes(StandardCharsets.ISO_8859_1);
        byte[] all = new byte[h.length + bodyBytes.length];
        System.arraycopy(h, 0, all, 0, h.length);
        System.arraycopy(bodyBytes, 0, all, h.length, bodyBytes.length);
        return all;
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

    /** Reads the body as exactly {@code Content-Length} bytes within a deadline; remembers what is left unread. */
    private static final class RequestBody implements HttpRequest.Body {
        private final InputStream in;
        private final Socket socket;
        private final Duration timeout;
        private final String contentLength;
        private final boolean chunked;
        private boolean consumed;
        private boolean broken;

        RequestBody(InputStream in, Map<String, String> headers, Socket socket, Duration timeout) {
            this.in = in;
            this.socket = socket;
            this.timeout = timeout;
            Map<String, String> h = headers == null ? Map.of() : headers;
            this.contentLength = h.get("content-length");
            String te = h.get("transfer-encoding");
            this.chunked = te != null && !te.isBlank() && !te.strip().equalsIgnoreCase("identity");
        }

        @Override
        public boolean present() {
            return chunked || contentLength != null && declaredLength() != 0;
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
                byte[] bytes = readWithin((int) length, System.nanoTime() + timeout.toNanos());
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

        /** Reads up to {@code n} bytes, all of them before {@code deadline} (a slow body is cut off as a whole). */
        private byte[] readWithin(int n, long deadline) throws IOException {
            byte[] out = new byte[n];
            int got = 0;
            while (got < n) {
                setTimeoutUntil(deadline);
                int r = in.read(out, got, n - got);
                if (r < 0) {
                    return java.util.Arrays.copyOf(out, got);
                }
                got += r;
            }
            return out;
        }

        private void setTimeoutUntil(long deadline) throws IOException {
            if (socket == null) {
                return;
            }
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= 0) {
                throw new SocketTimeoutException("deadline passed");
            }
            socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, left));
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
                return readWithin((int) length, System.nanoTime() + DRAIN_DEADLINE.toNanos()).length == length;
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
        private final Connection connection;

        StreamingResponse(Response.IStatus status, String contentType, Map<String, String> headers,
                          HttpResponse.Stream stream, Connection connection) {
            super(status, contentType, null, 0);
            this.status = status;
            this.contentType = contentType;
            this.headers = headers;
            this.stream = stream;
            this.connection = connection;
            closeConnection(true);
        }

        @Override
        protected void send(OutputStream out) {
            StringBuilder head = new StringBuilder("HTTP/1.1 ").append(status.getDescription()).append("\r\n");
            if (contentType != null) {
                head.append("Content-Type: ").append(contentType).append("\r\n");
            }
            headers.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
            head.append("Connection: close\r\n\r\n");
            BooleanSupplier gone = () -> false;
            if (connection != null) {
                connection.becameStream();
                gone = connection::clientGone;
            }
            try {
                out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                stream.writeTo(out, gone);
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

    /** Where a connection is in its life; only {@link #WAITING} and {@link #BUSY} hold a request slot. */
    private static final int WAITING = 0;
    private static final int BUSY = 1;
    private static final int STREAM = 2;
    private static final int EVICTED = 3;
    private static final int CLOSED = 4;

    /**
     * One connection: reads and checks each request head itself (with the deadlines) before the library parses
     * it, because the library drops the connection without an answer when its parsing throws and re-reads a
     * head that never ends in an endless loop.
     */
    private final class Connection extends ClientHandler {
        private final InputStream in;
        private final Socket socket;
        private final AtomicInteger state = new AtomicInteger(WAITING);
        private volatile long waitingSince = System.nanoTime();

        Connection(InputStream in, Socket socket) {
            super(in, socket);
            this.in = in;
            this.socket = socket;
        }

        @Override
        public void run() {
            current.set(this);
            try {
                OutputStream out = socket.getOutputStream();
                HTTPSession session = new HTTPSession(new NoTempFiles(), in, out, socket.getInetAddress());
                BufferedInputStream buffered = (BufferedInputStream) session.getInputStream();
                boolean first = true;
                while (!socket.isClosed()) {
                    long start = waitingSince;
                    long idleEnd = start + (first ? limits.headTimeout() : limits.idleTimeout()).toNanos();
                    HeadCheck head = readHead(buffered, socket, idleEnd, limits.headTimeout(), first ? start : -1);
                    if (head.kind() == HeadCheck.Kind.NONE || head.kind() == HeadCheck.Kind.IDLE) {
                        break;
                    }
                    if (!state.compareAndSet(WAITING, BUSY)) {
                        break;
                    }
                    if (head.kind() != HeadCheck.Kind.COMPLETE) {
                        out.write(rawAnswer(head.status(), head.detail()));
                        out.flush();
                        break;
                    }
                    try {
                        session.execute();
                    } catch (RuntimeException e) {
                        // Only the library's own parsing gets here: serve() answers every other failure.
                        LOG.debug("A request could not be parsed: {}", e.toString());
                        out.write(rawAnswer(400, BAD_REQUEST_DETAIL));
                        out.flush();
                        break;
                    }
                    first = false;
                    waitingSince = System.nanoTime();
                    if (!state.compareAndSet(BUSY, WAITING)) {
                        break;
                    }
                }
            } catch (IOException e) {
                // The client went away, timed out, was evicted, or the library ended the connection.
                LOG.trace("Connection ended: {}", e.toString());
            } finally {
                current.remove();
                lingerBeforeClose(socket);
                close();
                runner.closed(this);
            }
        }

        /** This connection now serves an event stream: its request slot goes back to the API. */
        void becameStream() {
            if (state.compareAndSet(BUSY, STREAM)) {
                runner.release();
            }
        }

        /** Whether the client closed its side (checked without blocking for more than a millisecond). */
        boolean clientGone() {
            try {
                socket.setSoTimeout(1);
                return socket.getInputStream().read() < 0;
            } catch (SocketTimeoutException e) {
                return false;
            } catch (IOException e) {
                return true;
            }
        }

        /** Closes the connection to make room for a new one, if it is still waiting for a request head. */
        boolean evict() {
            if (!state.compareAndSet(WAITING, EVICTED)) {
                return false;
            }
            try {
                socket.close();
            } catch (IOException ignored) {
                // Closed either way.
            }
            return true;
        }

        /** Ends this connection's claim on a slot; returns whether it still held one. */
        boolean end() {
            int s = state.getAndSet(CLOSED);
            return s == WAITING || s == BUSY;
        }
    }

    /**
     * What {@link #readHead} found before the library parses a request.
     *
     * @param kind   the outcome
     * @param status the status to answer with when the head is refused
     * @param detail the sentence to answer with when the head is refused
     */
    record HeadCheck(Kind kind, int status, String detail) {
        enum Kind { COMPLETE, NONE, IDLE, REFUSED }

        static final HeadCheck COMPLETE = new HeadCheck(Kind.COMPLETE, 0, null);
        static final HeadCheck NONE = new HeadCheck(Kind.NONE, 0, null);
        static final HeadCheck IDLE = new HeadCheck(Kind.IDLE, 0, null);

        static HeadCheck refused(int status, String detail) {
            return new HeadCheck(Kind.REFUSED, status, detail);
        }
    }

    /**
     * Looks ahead (and rewinds) for the end of the request head, the way the library looks for it, and checks
     * its framing. The library rewinds to the start when it finds no end, within {@value #HEAD_LIMIT} bytes or
     * before the client ends its side, and then parses the same bytes again on the next round: one hostile
     * request would be answered in an endless loop, holding a thread for good. Such a request is answered once
     * here instead.
     *
     * @param in          the session's stream, which the library marks and rewinds within {@value #HEAD_LIMIT} bytes
     * @param socket      the connection, whose read timeout is set to what is left of the deadlines (may be null)
     * @param idleEnd     {@link System#nanoTime()} by which the first byte must arrive
     * @param headTimeout how long the whole head may take from its first byte (or from {@code headStart})
     * @param headStart   when the head's clock started ({@code -1}: at its first byte)
     * @return the outcome
     * @throws IOException when reading fails
     */
    static HeadCheck readHead(BufferedInputStream in, Socket socket, long idleEnd, Duration headTimeout,
                              long headStart) throws IOException {
        byte[] buf = new byte[HEAD_LIMIT];
        int len = 0;
        long headEnd = headStart < 0 ? Long.MAX_VALUE : headStart + headTimeout.toNanos();
        in.mark(HEAD_LIMIT);
        try {
            while (len < HEAD_LIMIT) {
                long deadline = len == 0 ? Math.min(idleEnd, headEnd) : headEnd;
                if (socket != null) {
                    long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                    if (left <= 0) {
                        return len == 0 ? HeadCheck.IDLE : HeadCheck.refused(408, HEAD_TIMEOUT_DETAIL);
                    }
                    socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, left));
                }
                int n;
                try {
                    n = in.read(buf, len, HEAD_LIMIT - len);
                } catch (SocketTimeoutException e) {
                    return len == 0 ? HeadCheck.IDLE : HeadCheck.refused(408, HEAD_TIMEOUT_DETAIL);
                }
                if (n < 0) {
                    return len == 0 ? HeadCheck.NONE : HeadCheck.refused(400, BAD_REQUEST_DETAIL);
                }
                if (len == 0 && headStart < 0) {
                    headEnd = System.nanoTime() + headTimeout.toNanos();
                }
                int from = Math.max(0, len - 3);
                len += n;
                int end = headEnd(buf, from, len);
                if (end > 0) {
                    String problem = HeadFraming.problem(buf, end);
                    if (problem != null) {
                        return HeadCheck.refused(400, problem);
                    }
                    return HeadCheck.COMPLETE;
                }
            }
            return HeadCheck.refused(431, "The request line and headers are larger than " + HEAD_LIMIT + " bytes.");
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

    /**
     * Admits connections to a fixed number of request slots. Threads come from an unbounded pool of named
     * threads ({@code mcr-http-N}), but only as many run as there are slots plus event streams (bounded by their
     * own limit) plus evicted connections on their way out.
     */
    private final class ConnectionRunner implements AsyncRunner {
        private final int slotCount;
        private final Semaphore slots;
        private final ExecutorService threads;
        private final Set<Connection> open = ConcurrentHashMap.newKeySet();
        private final BlockingQueue<Socket> refusals = new ArrayBlockingQueue<>(REFUSALS_QUEUED);
        private final Thread refuser;

        ConnectionRunner(int slotCount) {
            this.slotCount = slotCount;
            this.slots = new Semaphore(slotCount);
            AtomicInteger n = new AtomicInteger();
            this.threads = Executors.newCachedThreadPool(r -> {
                Thread t = new Thread(r, "mcr-http-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
            this.refuser = new Thread(this::refuseLoop, "mcr-http-refuse");
            refuser.setDaemon(true);
            refuser.start();
        }

        @Override
        public void exec(ClientHandler handler) {
            Connection c = (Connection) handler;
            if (!slots.tryAcquire() && !evictOldestWaiting() && !awaitSlot()) {
                refuse(c);
                return;
            }
            open.add(c);
            try {
                threads.execute(c);
            } catch (RejectedExecutionException e) {
                open.remove(c);
                release();
                c.close();
            }
        }

        /**
         * Waits a moment for a slot: a request's answer reaches its client a little before its connection counts as
         * waiting again, so a newcomer right then would be refused although a slot is about to be free.
         */
        private boolean awaitSlot() {
            long deadline = System.nanoTime() + SLOT_GRACE_NANOS;
            try {
                while (System.nanoTime() - deadline < 0) {
                    if (slots.tryAcquire(5, TimeUnit.MILLISECONDS) || evictOldestWaiting()) {
                        return true;
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return false;
        }

        /** Closes the connection that has waited longest for a request head; its slot passes to the caller. */
        private boolean evictOldestWaiting() {
            for (int attempt = 0; attempt < 3; attempt++) {
                Connection oldest = null;
                for (Connection c : open) {
                    if (c.state.get() == WAITING && (oldest == null || c.waitingSince - oldest.waitingSince < 0)) {
                        oldest = c;
                    }
                }
                if (oldest == null) {
                    return false;
                }
                if (oldest.evict()) {
                    LOG.debug("All {} request slots were taken; closed the connection idle the longest.", slotCount);
                    return true;
                }
            }
            return false;
        }

        private void refuse(Connection c) {
            if (threads.isShutdown() || !refusals.offer(c.socket)) {
                c.close();
                return;
            }
            LOG.warn("All {} request slots are busy with requests; a connection was refused with 503.", slotCount);
        }

        private void refuseLoop() {
            byte[] busy = rawAnswer(503, BUSY_DETAIL);
            while (true) {
                Socket s;
                try {
                    s = refusals.take();
                } catch (InterruptedException e) {
                    return;
                }
                try {
                    s.getOutputStream().write(busy);
                    s.getOutputStream().flush();
                } catch (IOException ignored) {
                    // The client is gone; nothing more to do for it.
                }
                lingerBeforeClose(s);
                try {
                    s.close();
                } catch (IOException ignored) {
                    // Closed either way.
                }
            }
        }

        void release() {
            slots.release();
        }

        @Override
        public void closed(ClientHandler handler) {
            Connection c = (Connection) handler;
            open.remove(c);
            if (c.end()) {
                slots.release();
            }
        }

        @Override
        public void closeAll() {
            for (ClientHandler h : List.copyOf(open)) {
                h.close();
            }
        }

        void shutdown() {
            threads.shutdown();
            refuser.interrupt();
            closeAll();
            for (Socket s : List.copyOf(refusals)) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // Closed either way.
                }
            }
            try {
                if (!threads.awaitTermination(5, TimeUnit.SECONDS)) {
                    threads.shutdownNow();
                }
            } catch (InterruptedException e) {
                threads.shutdownNow();
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
