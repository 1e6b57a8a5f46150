package dev.mcr.delivery;

import dev.mcr.model.NotifyProfile;
import dev.mcr.notify.ConfigField;
import dev.mcr.notify.Notification;
import dev.mcr.notify.Notifier;
import dev.mcr.notify.NotifyException;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertificateException;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSocketFactory;

/**
 * E-mail over SMTP ({@code type: "email"}) through Eclipse Angus Mail: {@code host}, {@code port}, {@code security}
 * ({@code starttls} (required, not optional), {@code tls} (implicit, port 465) or {@code none}), {@code username} and
 * {@code password} (login only when a user is set), {@code from}, {@code to} (comma-separated). The subject is the
 * title with the state, the text the message, the run and the link. Connecting, reading and writing each time out
 * (12 s); a refused or timed-out connection, an unknown host and a temporary (4xx) answer are retried, a refused login
 * or address fails at once. Certificates are checked against the JVM's trust store and the host name.
 */
final class SmtpChannel implements Notifier {

    static final String TYPE = "email";
    private final Duration timeout;
    private final SSLSocketFactory tls;

    SmtpChannel(Duration timeout) {
        this(timeout, null);
    }

    /** With the TLS socket factory to use instead of the JVM's default one (tests trust their own certificate). */
    SmtpChannel(Duration timeout, SSLSocketFactory tls) {
        this.timeout = timeout;
        this.tls = tls;
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public String label() {
        return "E-mail (SMTP)";
    }

    @Override
    public List<ConfigField> fields() {
        return List.of(ConfigField.text("host", "SMTP server").asRequired(),
                ConfigField.number("port", "Port").withDefault("587"),
                ConfigField.choice("security", "Security", List.of("starttls", "tls", "none")),
                ConfigField.text("username", "User name"),
                ConfigField.secret("password", "Password"),
                ConfigField.text("from", "From").asRequired(),
                ConfigField.text("to", "To (comma-separated)").asRequired());
    }

    @Override
    public String check(Map<String, String> config) {
        String port = config.getOrDefault("port", "").strip();
        if (!port.isEmpty() && (Long.parseLong(port) < 1 || Long.parseLong(port) > 65_535)) {
            return "the field \"port\" (Port) must be between 1 and 65535.";
        }
        String host = config.getOrDefault("host", "").strip();
        if (!host.isEmpty() && !host.matches("[A-Za-z0-9.:\\[\\]-]{1,253}")) {
            return "the field \"host\" (SMTP server) must be a host name or address.";
        }
        for (String field : List.of("from", "to")) {
            String v = config.getOrDefault(field, "").strip();
            if (!v.isEmpty()) {
                try {
                    InternetAddress[] a = InternetAddress.parse(v, true);
                    if (a.length == 0 || (field.equals("from") && a.length != 1)) {
                        throw new AddressException(v);
                    }
                } catch (AddressException e) {
                    return "the field \"" + field + "\" must be " + (field.equals("from") ? "one e-mail address." : "e-mail addresses separated by commas.");
                }
            }
        }
        return null;
    }

    @Override
    public Map<String, Object> send(NotifyProfile profile, Notification n) throws NotifyException {
        String host = profile.configValue("host").strip();
        String security = profile.configValue("security").strip().isEmpty() ? "starttls" : profile.configValue("security").strip();
        String portText = profile.configValue("port").strip();
        int port = portText.isEmpty() ? (security.equals("tls") ? 465 : 587) : Integer.parseInt(portText);
        String user = profile.configValue("username").strip();
        String password = profile.configValue("password");
        String ms = Long.toString(timeout.toMillis());
        Properties props = new Properties();
        String proto = security.equals("tls") ? "smtps" : "smtp";
        props.put("mail.transport.protocol", proto);
        props.put("mail." + proto + ".host", host);
        props.put("mail." + proto + ".port", Integer.toString(port));
        props.put("mail." + proto + ".connectiontimeout", ms);
        props.put("mail." + proto + ".timeout", ms);
        props.put("mail." + proto + ".writetimeout", ms);
        props.put("mail." + proto + ".auth", Boolean.toString(!user.isEmpty()));
        props.put("mail." + proto + ".ssl.checkserveridentity", "true");
        if (tls != null) {
            props.put("mail." + proto + ".ssl.socketFactory", tls);
        }
        // Without this a failed TLS connect is retried with the default factory and the first failure is lost.
        props.put("mail." + proto + ".socketFactory.fallback", "false");
        if (security.equals("starttls")) {
            props.put("mail.smtp.starttls.enable", "true");
            props.put("mail.smtp.starttls.required", "true");
        }
        Session session = Session.getInstance(props);
        try {
            MimeMessage m = new MimeMessage(session);
            m.setFrom(new InternetAddress(profile.configValue("from").strip(), true));
            m.setRecipients(Message.RecipientType.TO, InternetAddress.parse(profile.configValue("to"), true));
            String state = n.state().equals("NONE") ? "" : "[" + n.state() + "] ";
            m.setSubject(state + (n.title().isBlank() ? n.runnerName() : n.title()), StandardCharsets.UTF_8.name());
            StringBuilder text = new StringBuilder(n.message());
            if (!n.runId().isEmpty()) {
                text.append("\n\nRun: ").append(n.runId());
            }
            n.linkIfAny().ifPresent(link -> text.append("\n").append(link));
            m.setText(text.toString(), StandardCharsets.UTF_8.name());
            m.setSentDate(Date.from(n.ts()));
            try (Transport t = session.getTransport(proto)) {
                if (user.isEmpty()) {
                    t.connect();
                } else {
                    t.connect(host, port, user, password);
                }
                t.sendMessage(m, m.getAllRecipients());
            }
            return Map.of("accepted", true);
        } catch (AuthenticationFailedException e) {
            throw new NotifyException("E-mail: " + host + " refused the login of " + user + ".");
        } catch (SendFailedException e) {
            throw new NotifyException("E-mail: " + host + " refused the message or an address ("
                    + Secrets.scrub(oneLine(e.getMessage()), List.of(password)) + ").");
        } catch (MessagingException e) {
            throw failure(e, host, port, password);
        }
    }

    private NotifyException failure(MessagingException e, String host, int port, String password) {
        if (oneLine(e.getMessage()).startsWith("STARTTLS is required but host does not support STARTTLS")) {
            return new NotifyException("E-mail: " + host + " does not offer STARTTLS, so nothing was sent (choose \"tls\" "
                    + "if the server expects TLS from the start).", e);
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SSLException || t instanceof CertificateException
                    || String.valueOf(t.getMessage()).startsWith("Can't verify identity of server")) {
                return new NotifyException("E-mail: the certificate of " + host + " is not trusted or not issued for that "
                        + "name, so nothing was sent (" + certificateReason(e) + ").", e);
            }
            if (t instanceof UnknownHostException) {
                return NotifyException.retryable("E-mail: the host name " + host + " could not be resolved (DNS).", e, null);
            }
            if (t instanceof SocketTimeoutException) {
                return NotifyException.retryable("E-mail: no answer from " + host + ":" + port + " within "
                        + PushoverNotifier.seconds(timeout) + ".", e, null);
            }
            if (t instanceof ConnectException) {
                return NotifyException.retryable("E-mail: could not connect to " + host + ":" + port + " ("
                        + PushoverNotifier.reason(t) + ").", e, null);
            }
        }
        String text = "E-mail: " + Secrets.scrub(oneLine(e.getMessage()), List.of(password));
        // An SMTP reply in 4xx is temporary by definition.
        return text.matches("(?s).*\\b4\\d\\d[ -].*") ? NotifyException.retryable(text, e, null) : new NotifyException(text, e);
    }

    private static String certificateReason(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = String.valueOf(t.getMessage());
            if (m.startsWith("Can't verify identity of server") || m.startsWith("No subject alternative")
                    || t instanceof SSLPeerUnverifiedException) {
                return "the host name is not in the certificate";
            }
            if (t instanceof CertPathBuilderException || m.contains("PKIX path")) {
                return "no trusted issuer; add it to the Java trust store";
            }
        }
        return "TLS handshake failed";
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.strip().replaceAll("\\s+", " ");
    }
}
