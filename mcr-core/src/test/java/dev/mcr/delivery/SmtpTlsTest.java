package dev.mcr.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcr.delivery.TlsSmtpServer.Identity;
import dev.mcr.delivery.TlsSmtpServer.Mode;
import dev.mcr.delivery.TlsSmtpServer.Seen;
import dev.mcr.model.NotifyProfile;
import dev.mcr.notify.NotifyException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The e-mail channel's encrypted paths against a real SMTP server speaking implicit TLS or STARTTLS with a certificate
 * made for the test: the password and the message only ever cross an encrypted connection, a server that offers no
 * STARTTLS gets nothing, and a certificate that is not trusted or not issued for the host name is refused.
 */
class SmtpTlsTest {

    @TempDir
    static Path dir;
    static Identity localhost;
    static Identity otherName;

    @BeforeAll
    static void certificates() throws Exception {
        localhost = Identity.create(dir, "dns:localhost,ip:127.0.0.1");
        otherName = Identity.create(dir, "dns:mail.example.org");
    }

    private static NotifyProfile profile(int port, String security) {
        return NotifyProfile.builder("notify_mail").name("Mail").type("email")
                .config("host", "127.0.0.1").config("port", Integer.toString(port)).config("security", security)
                .config("username", "alerts").config("password", "pa55-word-secret")
                .config("from", "mcr@example.org").config("to", "ops@example.org").build();
    }

    private static boolean sentInClear(TlsSmtpServer server) {
        return server.seen().stream().anyMatch(s -> !s.encrypted()
                && (s.command().startsWith("AUTH") || s.command().equals("<message>") || s.command().startsWith("MAIL")));
    }

    @Test
    void implicit_tls_sends_login_and_message_over_an_encrypted_connection() throws Exception {
        try (TlsSmtpServer server = new TlsSmtpServer(Mode.IMPLICIT_TLS, localhost.server(), "alerts", "pa55-word-secret")) {
            new SmtpChannel(Duration.ofSeconds(10), localhost.clientTrustingIt()).send(profile(server.port(), "tls"),
                    SmtpChannelTest.DOWN);

            assertThat(server.messages()).singleElement().asString().contains("Subject: [DOWN] NAS backup");
            assertThat(server.seen()).extracting(Seen::command).anyMatch(c -> c.startsWith("AUTH PLAIN"));
            assertThat(server.seen()).allMatch(Seen::encrypted);
        }
    }

    @Test
    void starttls_upgrades_the_connection_before_the_login_and_the_message() throws Exception {
        try (TlsSmtpServer server = new TlsSmtpServer(Mode.STARTTLS, localhost.server(), "alerts", "pa55-word-secret")) {
            new SmtpChannel(Duration.ofSeconds(10), localhost.clientTrustingIt()).send(profile(server.port(), "starttls"),
                    SmtpChannelTest.DOWN);

            assertThat(server.messages()).singleElement().asString().contains("Subject: [DOWN] NAS backup");
            assertThat(server.seen()).filteredOn(s -> !s.encrypted()).extracting(Seen::command)
                    .allMatch(c -> c.startsWith("EHLO") || c.equals("STARTTLS")).contains("STARTTLS");
            assertThat(server.seen()).filteredOn(Seen::encrypted).extracting(Seen::command)
                    .anyMatch(c -> c.startsWith("AUTH PLAIN")).contains("<message>");
        }
    }

    @Test
    void a_server_without_starttls_gets_neither_the_password_nor_the_message() throws Exception {
        try (TlsSmtpServer server = new TlsSmtpServer(Mode.CLEAR_ONLY, localhost.server(), "alerts", "pa55-word-secret")) {
            NotifyException e = ChannelRequestsTest.catchNotify(
                    new SmtpChannel(Duration.ofSeconds(10), localhost.clientTrustingIt()), profile(server.port(), "starttls"));

            assertThat(e.isTransient()).isFalse();
            assertThat(e.getMessage()).isEqualTo("E-mail: 127.0.0.1 does not offer STARTTLS, so nothing was sent "
                    + "(choose \"tls\" if the server expects TLS from the start).");
            assertThat(server.messages()).isEmpty();
            assertThat(sentInClear(server)).isFalse();
        }
    }

    @Test
    void a_certificate_issued_for_another_name_is_refused_before_the_login() throws Exception {
        for (Mode mode : new Mode[] {Mode.IMPLICIT_TLS, Mode.STARTTLS}) {
            try (TlsSmtpServer server = new TlsSmtpServer(mode, otherName.server(), "alerts", "pa55-word-secret")) {
                NotifyException e = ChannelRequestsTest.catchNotify(
                        new SmtpChannel(Duration.ofSeconds(10), otherName.clientTrustingIt()),
                        profile(server.port(), mode == Mode.IMPLICIT_TLS ? "tls" : "starttls"));

                assertThat(e.isTransient()).as(mode.name()).isFalse();
                assertThat(e.getMessage()).as(mode.name()).isEqualTo("E-mail: the certificate of 127.0.0.1 is not trusted or "
                        + "not issued for that name, so nothing was sent (the host name is not in the certificate).");
                assertThat(e.getMessage()).doesNotContain("pa55-word-secret");
                assertThat(server.seen()).as(mode.name()).extracting(Seen::command).noneMatch(c -> c.startsWith("AUTH"));
                assertThat(server.messages()).isEmpty();
            }
        }
    }

    @Test
    void a_certificate_the_jvm_does_not_trust_is_refused_before_the_login() throws Exception {
        try (TlsSmtpServer server = new TlsSmtpServer(Mode.STARTTLS, localhost.server(), "alerts", "pa55-word-secret")) {
            NotifyException e = ChannelRequestsTest.catchNotify(new SmtpChannel(Duration.ofSeconds(10)),
                    profile(server.port(), "starttls"));

            assertThat(e.isTransient()).isFalse();
            assertThat(e.getMessage()).isEqualTo("E-mail: the certificate of 127.0.0.1 is not trusted or not issued for "
                    + "that name, so nothing was sent (no trusted issuer; add it to the Java trust store).");
            assertThat(server.seen()).extracting(Seen::command).noneMatch(c -> c.startsWith("AUTH"));
        }
    }
}
