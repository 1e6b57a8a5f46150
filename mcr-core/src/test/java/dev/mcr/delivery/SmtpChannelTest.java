package dev.mcr.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.mcr.model.NotifyProfile;
import dev.mcr.notify.Notification;
import dev.mcr.notify.NotifyException;
import dev.mcr.store.JournalEntry;
import dev.mcr.testing.ManualScheduler;
import dev.mcr.testing.MutableClock;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The e-mail channel against GreenMail, a real SMTP server on a free port, and against a server that never answers. */
class SmtpChannelTest {

    static final Notification DOWN = ChannelRequestsTest.DOWN;

    private GreenMail mail;

    @BeforeEach
    void start() {
        mail = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        mail.start();
        mail.setUser("alerts@example.org", "alerts", "pa55-word-secret");
    }

    @AfterEach
    void stop() {
        mail.stop();
    }

    private NotifyProfile profile(int port, String user, String password) {
        return NotifyProfile.builder("notify_mail").name("Mail").type("email")
                .config("host", "127.0.0.1").config("port", Integer.toString(port)).config("security", "none")
                .config("username", user).config("password", password)
                .config("from", "mcr@example.org").config("to", "ops@example.org, oncall@example.org").build();
    }

    @Test
    void a_message_arrives_with_state_in_the_subject_and_run_and_link_in_the_text() throws Exception {
        new SmtpChannel(Duration.ofSeconds(5)).send(profile(mail.getSmtp().getPort(), "alerts", "pa55-word-secret"), DOWN);

        MimeMessage[] got = mail.getReceivedMessages();
        assertThat(got).hasSize(2); // one per recipient
        assertThat(got[0].getSubject()).isEqualTo("[DOWN] NAS backup");
        assertThat(got[0].getFrom()[0].toString()).isEqualTo("mcr@example.org");
        assertThat(((String) got[0].getContent()).replace("\r\n", "\n")).isEqualTo(
                "disk at 97% \u2014 \"full\"\n\nRun: run-42\nhttps://mcr.example.org/#runner/runner_nas");
    }

    @Test
    void a_refused_login_fails_at_once_without_the_password_in_the_text() {
        NotifyException e = catchNotify(new SmtpChannel(Duration.ofSeconds(5)),
                profile(mail.getSmtp().getPort(), "alerts", "wrong-password-123"));

        assertThat(e.isTransient()).isFalse();
        assertThat(e.getMessage()).isEqualTo("E-mail: 127.0.0.1 refused the login of alerts.");
    }

    @Test
    void a_server_that_never_answers_times_out_as_a_retryable_failure() throws IOException {
        try (ServerSocket stuck = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            NotifyException e = catchNotify(new SmtpChannel(Duration.ofMillis(300)), profile(stuck.getLocalPort(), "", ""));

            assertThat(e.isTransient()).isTrue();
            assertThat(e.getMessage()).isEqualTo("E-mail: no answer from 127.0.0.1:" + stuck.getLocalPort() + " within 0.3 s.");
        }
    }

    @Test
    void a_hanging_smtp_server_does_not_delay_webhook_deliveries() throws Exception {
        try (ServerSocket stuck = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
             Receiver hook = new Receiver()) {
            List<Socket> accepted = new CopyOnWriteArrayList<>();
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        accepted.add(stuck.accept()); // and never answers
                    }
                } catch (IOException closed) {
                    // the test is over
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            InMemoryProfiles profiles = new InMemoryProfiles();
            InMemoryJournal journal = new InMemoryJournal();
            profiles.put(profile(stuck.getLocalPort(), "", ""));
            profiles.put(new NotifyProfile("notify_hook", "Hook", "webhook", true, 0, 0, Map.of("url", hook.base() + "/h"),
                    Map.of()));
            MutableClock clock = new MutableClock(Instant.parse("2026-12-07T03:00:00Z"));
            List<dev.mcr.notify.Notifier> channels = new ArrayList<>(BuiltInChannels.all(hook.uri("/p"), Map.of()));
            channels.add(new SmtpChannel(Duration.ofSeconds(30)));
            try (NotificationDispatcher d = new NotificationDispatcher(channels, profiles, journal, e -> { }, clock, 100,
                    new ManualScheduler(clock), RetryPolicy.DEFAULT, "")) {
                d.enqueueTo("notify_mail", new NotificationDispatcher.Outgoing("r", "R", "", "DOWN", "", "t", "mail 1"));
                d.enqueueTo("notify_mail", new NotificationDispatcher.Outgoing("r", "R", "", "DOWN", "", "t", "mail 2"));
                Await.until("the SMTP channel is connected to the stuck server", () -> !accepted.isEmpty());
                for (int i = 0; i < 20; i++) {
                    d.enqueueTo("notify_hook", new NotificationDispatcher.Outgoing("r", "R", "", "DOWN", "", "t", "hook " + i));
                }
                Await.until("20 webhook deliveries", () -> journal.size() >= 20);

                assertThat(journal.rows()).extracting(JournalEntry::profileId).containsOnly("notify_hook");
                assertThat(hook.requests()).hasSize(20);
                assertThat(accepted).hasSize(1); // the mail worker is still waiting for the greeting
            }
            for (Socket s : accepted) {
                s.close();
            }
        }
    }

    private static NotifyException catchNotify(SmtpChannel c, NotifyProfile p) {
        return ChannelRequestsTest.catchNotify(c, p);
    }
}
