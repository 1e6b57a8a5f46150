package dev.mcr.server.ui;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Stands in for a DNS-rebinding attacker's host name (e.g. {@code rebind.test}, mapped to 127.0.0.1 in Chromium).
 * A real attack serves its page from the attacker's machine, then lets the name's short-lived DNS record point to
 * 127.0.0.1: the page's later same-origin requests reach the local mcr. Here one TCP port plays both parts:
 * a request for {@code pagePath} is answered by the relay itself with the attacker's page ("before the
 * rebinding", {@code Connection: close}, so no connection is reused); every other connection is piped byte for
 * byte to mcr ("after the rebinding"), so mcr sees each request exactly as Chromium sent it, with
 * {@code Host: rebind.test:<relay port>}.
 */
final class RebindingRelay implements AutoCloseable {

    private final ServerSocket listener;
    private final int targetPort;
    private final String pagePath;
    private final byte[] page;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();

    /**
     * @param targetPort the mcr port on 127.0.0.1
     * @param pagePath   the path the relay answers itself
     * @param pageHtml   the attacker's page
     */
    RebindingRelay(int targetPort, String pagePath, String pageHtml) throws IOException {
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.targetPort = targetPort;
        this.pagePath = pagePath;
        this.page = pageHtml.getBytes(StandardCharsets.UTF_8);
        Thread accept = new Thread(this::acceptLoop, "rebinding-relay-accept");
        accept.setDaemon(true);
        accept.start();
    }

    int port() {
        return listener.getLocalPort();
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                open.add(client);
                Thread t = new Thread(() -> serve(client), "rebinding-relay-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket client) {
        try (client) {
            InputStream in = client.getInputStream();
            byte[] head = readHead(in);
            if (head == null) {
                return;
            }
            String requestLine = new String(head, StandardCharsets.ISO_8859_1).split("\r\n", 2)[0];
            String[] parts = requestLine.split(" ");
            if (parts.length >= 2 && parts[1].equals(pagePath)) {
                OutputStream out = client.getOutputStream();
                out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nCache-Control: no-store\r\n"
                        + "Content-Length: " + page.length + "\r\nConnection: close\r\n\r\n")
                        .getBytes(StandardCharsets.ISO_8859_1));
                out.write(page);
                out.flush();
                return;
            }
            try (Socket upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort)) {
                open.add(upstream);
                upstream.getOutputStream().write(head);
                Thread up = new Thread(() -> pipe(in, upstream), "rebinding-relay-up");
                up.setDaemon(true);
                up.start();
                pipe(upstream.getInputStream(), client);
            }
        } catch (IOException e) {
            // a closed connection ends the relay of that connection, nothing more
        } finally {
            open.remove(client);
        }
    }

    /** Copies until the end of {@code from}, then half-closes {@code to} so the other side sees the end too. */
    private static void pipe(InputStream from, Socket to) {
        byte[] buf = new byte[8192];
        try {
            OutputStream out = to.getOutputStream();
            for (int n; (n = from.read(buf)) > 0; ) {
                out.write(buf, 0, n);
                out.flush();
            }
            to.shutdownOutput();
        } catch (IOException e) {
            // the other direction closes the sockets
        }
    }

    /** The request line and headers up to the empty line, or {@code null} when the connection closed first. */
    private static byte[] readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        while (matched < 4) {
            int b = in.read();
            if (b < 0 || head.size() > 65536) {
                return null;
            }
            head.write(b);
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        return head.toByteArray();
    }

    @Override
    public void close() throws IOException {
        listener.close();
        for (Socket s : open) {
            try {
                s.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }
}
