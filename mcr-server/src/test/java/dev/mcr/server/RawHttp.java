package dev.mcr.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** Speaks HTTP/1.1 over a plain socket, for requests a normal client refuses to send. */
final class RawHttp implements AutoCloseable {

    /** A parsed answer. */
    record Answer(int status, Map<String, String> headers, String body) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    RawHttp(int port) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(20_000);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    /** Sends one request and reads one answer with a Content-Length body. */
    static Answer exchange(int port, String request) throws IOException {
        try (RawHttp raw = new RawHttp(port)) {
            raw.write(request);
            return raw.read();
        }
    }

    void write(String text) throws IOException {
        write(text.getBytes(StandardCharsets.UTF_8));
    }

    void write(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Tells the server nothing more will be sent. */
    void socketShutdownOutput() throws IOException {
        socket.shutdownOutput();
    }

    /** Reads the status line and headers. */
    Answer readHead() throws IOException {
        String status = line();
        if (status == null) {
            throw new IOException("The connection closed before an answer.");
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (String l = line(); l != null && !l.isEmpty(); l = line()) {
            int colon = l.indexOf(':');
            headers.put(l.substring(0, colon).strip().toLowerCase(Locale.ROOT), l.substring(colon + 1).strip());
        }
        return new Answer(Integer.parseInt(status.split(" ")[1]), headers, "");
    }

    /** Reads a whole answer whose body has a Content-Length (or ends with the connection). */
    Answer read() throws IOException {
        Answer head = readHead();
        String length = head.header("content-length");
        byte[] body = length != null ? in.readNBytes(Integer.parseInt(length)) : in.readAllBytes();
        return new Answer(head.status(), head.headers(), new String(body, StandardCharsets.UTF_8));
    }

    /** Reads one line ending with CRLF or LF, without it; {@code null} at the end of the stream. */
    String line() throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            if (b == '\n') {
                byte[] bytes = buf.toByteArray();
                int n = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, n, StandardCharsets.UTF_8);
            }
            buf.write(b);
        }
        return buf.size() == 0 ? null : buf.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
