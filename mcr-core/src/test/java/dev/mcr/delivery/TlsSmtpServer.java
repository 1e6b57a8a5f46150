package dev.mcr.delivery;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * A small real SMTP server on a free loopback port for the TLS paths GreenMail lacks: implicit TLS, STARTTLS, and a
 * server that offers no STARTTLS (a downgrade). It records every command with whether the connection was encrypted
 * at that moment, so a test can prove that no password and no message crossed the wire in clear.
 */
final class TlsSmtpServer implements AutoCloseable {

    /** How the server speaks. */
    enum Mode { IMPLICIT_TLS, STARTTLS, CLEAR_ONLY }

    /** One command as the server received it; AUTH arguments are kept so a test can check where they went. */
    record Seen(String command, boolean encrypted) { }

    /** A certificate and key for the given subject alternative names, made by the JDK's keytool. */
    record Identity(SSLContext server, SSLSocketFactory clientTrustingIt) {

        static Identity create(Path dir, String san) throws Exception {
            Path store = dir.resolve("smtp-" + Math.abs(san.hashCode()) + ".p12");
            Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                    "-genkeypair", "-alias", "smtp", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
                    "-dname", "CN=mcr test SMTP", "-ext", "san=" + san, "-storetype", "PKCS12",
                    "-keystore", store.toString(), "-storepass", "changeit", "-keypass", "changeit")
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("keytool failed: " + out);
            }
            char[] pass = "changeit".toCharArray();
            KeyStore keys = KeyStore.getInstance("PKCS12");
            try (var in = Files.newInputStream(store)) {
                keys.load(in, pass);
            }
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, pass);
            SSLContext server = SSLContext.getInstance("TLS");
            server.init(kmf.getKeyManagers(), null, null);

            Certificate cert = keys.getCertificate("smtp");
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("smtp", cert);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext client = SSLContext.getInstance("TLS");
            client.init(null, tmf.getTrustManagers(), null);
            return new Identity(server, client.getSocketFactory());
        }
    }

    private final ServerSocket listener;
    private final Mode mode;
    private final SSLContext tls;
    private final String user;
    private final String password;
    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    private final List<String> messages = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    TlsSmtpServer(Mode mode, SSLContext tls, String user, String password) throws IOException {
        this.mode = mode;
        this.tls = tls;
        this.user = user;
        this.password = password;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.acceptor = new Thread(this::acceptLoop, "test-smtp-" + mode);
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return listener.getLocalPort();
    }

    List<Seen> seen() {
        return List.copyOf(seen);
    }

    /** The message texts received by DATA, each with the headers. */
    List<String> messages() {
        return List.copyOf(messages);
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try (Socket s = listener.accept()) {
                converse(s);
            } catch (IOException e) {
                // a client that hung up or a failed handshake: the test looks at what was seen
            }
        }
    }

    private void converse(Socket plain) throws IOException {
        plain.setSoTimeout(10_000);
        Socket s = mode == Mode.IMPLICIT_TLS ? upgrade(plain) : plain;
        boolean encrypted = mode == Mode.IMPLICIT_TLS;
        BufferedReader in = reader(s);
        OutputStream out = s.getOutputStream();
        say(out, "220 mcr-test ESMTP");
        String line;
        while ((line = in.readLine()) != null) {
            seen.add(new Seen(line, encrypted));
            String verb = line.split(" ", 2)[0].toUpperCase(java.util.Locale.ROOT);
            switch (verb) {
                case "EHLO", "HELO" -> say(out, "250-mcr-test" + (mode == Mode.STARTTLS && !encrypted ? "\r\n250-STARTTLS" : "")
                        + "\r\n250-AUTH PLAIN\r\n250 8BITMIME");
                case "STARTTLS" -> {
                    if (mode != Mode.STARTTLS || encrypted) {
                        say(out, "502 not offered");
                    } else {
                        say(out, "220 go ahead");
                        s = upgrade(s);
                        encrypted = true;
                        in = reader(s);
                        out = s.getOutputStream();
                    }
                }
                case "AUTH" -> {
                    String[] parts = line.split(" ");
                    String response = parts.length > 2 ? parts[2] : null;
                    if (response == null) {
                        say(out, "334 ");
                        response = in.readLine();
                        seen.add(new Seen(response, encrypted));
                    }
                    String[] creds = new String(Base64.getDecoder().decode(response.strip()), StandardCharsets.UTF_8).split("\0", -1);
                    boolean ok = creds.length == 3 && creds[1].equals(user) && creds[2].equals(password);
                    say(out, ok ? "235 accepted" : "535 authentication failed");
                }
                case "MAIL", "RCPT", "RSET", "NOOP" -> say(out, "250 ok");
                case "DATA" -> {
                    say(out, "354 go on");
                    StringBuilder m = new StringBuilder();
                    for (String l = in.readLine(); l != null && !l.equals("."); l = in.readLine()) {
                        m.append(l).append('\n');
                    }
                    messages.add(m.toString());
                    seen.add(new Seen("<message>", encrypted));
                    say(out, "250 queued");
                }
                case "QUIT" -> {
                    say(out, "221 bye");
                    return;
                }
                default -> say(out, "500 unknown command");
            }
        }
    }

    private SSLSocket upgrade(Socket s) throws IOException {
        SSLSocket t = (SSLSocket) tls.getSocketFactory().createSocket(s, null, s.getPort(), true);
        t.setUseClientMode(false);
        t.startHandshake();
        return t;
    }

    private static BufferedReader reader(Socket s) throws IOException {
        return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
    }

    private static void say(OutputStream out, String reply) throws IOException {
        out.write((reply + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        listener.close();
    }
}
