package dev.mcr.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcr.error.InvalidInputException;
import dev.mcr.error.LoginFailedException;
import dev.mcr.error.NotPermittedException;
import dev.mcr.error.TooManyLoginAttemptsException;
import dev.mcr.error.UserExistsException;
import dev.mcr.store.AuditEntry;
import dev.mcr.store.AuditQuery;
import dev.mcr.testing.MutableClock;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Users, passwords, sessions, tokens, the back-off and the audit chain on a real SQLite file. */
class AccessTest {

    private static final String GOOD = "violet-otter-cathedral";

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T10:00:00Z"));
    private Access access;

    @BeforeEach
    void open() {
        access = Access.builder().dataDir(dir).clock(clock).passwordIterations(1000).build();
    }

    @AfterEach
    void close() {
        access.close();
    }

    private static char[] pw(String s) {
        return s.toCharArray();
    }

    @Test
    void the_default_password_cost_is_600000_pbkdf2_iterations_and_stored_hashes_carry_their_cost() {
        assertThat(Access.DEFAULT_PASSWORD_ITERATIONS).isEqualTo(600_000);
        assertThat(new Passwords(Access.DEFAULT_PASSWORD_ITERATIONS, new java.security.SecureRandom()).hash(pw(GOOD)))
                .startsWith("pbkdf2-sha256$600000$");
        assertThatThrownBy(() -> Access.builder().passwordIterations(999)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void passwords_shorter_than_12_characters_common_ones_and_the_user_name_are_refused_and_nothing_is_created() {
        assertThatThrownBy(() -> access.createUser("ann", null, Role.ADMIN, pw("short-pw-11")))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("at least 12");
        assertThatThrownBy(() -> access.createUser("ann", null, Role.ADMIN, pw("Password1234")))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("common");
        assertThatThrownBy(() -> access.createUser("ann", null, Role.ADMIN, pw("qwertyuiopasdfgh")))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("common");
        assertThatThrownBy(() -> access.createUser("annabelle-lee", null, Role.ADMIN, pw("annabelle-lee1")))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("user name");
        assertThatThrownBy(() -> access.createUser("bad name", null, Role.ADMIN, pw(GOOD)))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("user name");
        assertThat(access.hasUsers()).isFalse();
        assertThat(Passwords.commonCount()).isGreaterThan(5000);
    }

    @Test
    void a_user_logs_in_with_the_right_password_only_and_the_hash_is_salted_per_user() throws Exception {
        access.createUser("ann", "Ann A", Role.EDITOR, pw(GOOD));
        access.createUser("bob", null, Role.VIEWER, pw(GOOD));
        assertThatThrownBy(() -> access.createUser("ann", null, Role.VIEWER, pw(GOOD)))
                .isInstanceOf(UserExistsException.class);
        LoginResult r = access.login("ann", pw(GOOD), "127.0.0.1", "test");
        assertThat(r.user().displayName()).isEqualTo("Ann A");
        assertThat(r.user().lastLogin()).isEqualTo(clock.instant());
        assertThat(r.principal().role()).isEqualTo(Role.EDITOR);
        assertThat(r.principal().csrfToken()).hasSize(64);
        assertThat(r.secret()).hasSizeGreaterThanOrEqualTo(43);
        assertThatThrownBy(() -> access.login("ann", pw(GOOD + "x"), "127.0.0.1", "test"))
                .isInstanceOf(LoginFailedException.class);
        assertThatThrownBy(() -> access.login("nobody", pw(GOOD), "127.0.0.1", "test"))
                .isInstanceOf(LoginFailedException.class);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("app.db"));
             Statement st = c.createStatement();
             var rs = st.executeQuery("SELECT password_hash FROM mcr_users ORDER BY name")) {
            rs.next();
            String ann = rs.getString(1);
            rs.next();
            String bob = rs.getString(1);
            assertThat(ann).startsWith("pbkdf2-sha256$1000$").doesNotContain(GOOD).isNotEqualTo(bob);
        }
    }

    @Test
    void after_five_failures_in_a_row_attempts_wait_and_the_wait_doubles_up_to_15_minutes() {
        access.createUser("ann", null, Role.ADMIN, pw(GOOD));
        for (int i = 0; i < 5; i++) {
            assertThatThrownBy(() -> access.login("ann", pw("wrong-password-x"), "10.0.0.1", null))
                    .isInstanceOf(LoginFailedException.class);
        }
        assertThatThrownBy(() -> access.login("ann", pw(GOOD), "10.0.0.1", null))
                .as("even the right password waits").isInstanceOf(TooManyLoginAttemptsException.class)
                .satisfies(e -> assertThat(((TooManyLoginAttemptsException) e).retryAfterSeconds()).isEqualTo(1));
        assertThatThrownBy(() -> access.login("ann", pw(GOOD), "10.9.9.9", null))
                .as("the account waits from any address").isInstanceOf(TooManyLoginAttemptsException.class);
        clock.advance(Duration.ofSeconds(1));
        assertThatThrownBy(() -> access.login("ann", pw("wrong-password-x"), "10.0.0.1", null))
                .isInstanceOf(LoginFailedException.class);
        assertThatThrownBy(() -> access.login("ann", pw(GOOD), "10.0.0.1", null))
                .satisfies(e -> assertThat(((TooManyLoginAttemptsException) e).retryAfterSeconds()).isEqualTo(2));
        assertThat(Access.wait(5)).isEqualTo(Duration.ofSeconds(1));
        assertThat(Access.wait(8)).isEqualTo(Duration.ofSeconds(8));
        assertThat(Access.wait(15)).isEqualTo(Duration.ofMinutes(15));
        assertThat(Access.wait(1000)).isEqualTo(Duration.ofMinutes(15));
        clock.advance(Duration.ofSeconds(2));
        assertThat(access.login("ann", pw(GOOD), "10.0.0.1", null).user().name()).isEqualTo("ann");
        assertThatThrownBy(() -> access.login("ann", pw("wrong-password-x"), "10.0.0.1", null))
                .as("a success reset the count").isInstanceOf(LoginFailedException.class);
    }

    @Test
    void failures_from_one_address_make_that_address_wait_for_every_account() {
        access.createUser("ann", null, Role.ADMIN, pw(GOOD));
        for (int i = 0; i < 5; i++) {
            String name = "guess" + i;
            assertThatThrownBy(() -> access.login(name, pw("wrong-password-x"), "10.0.0.7", null))
                    .isInstanceOf(LoginFailedException.class);
        }
        assertThatThrownBy(() -> access.login("ann", pw(GOOD), "10.0.0.7", null))
                .isInstanceOf(TooManyLoginAttemptsException.class);
        assertThat(access.login("ann", pw(GOOD), "10.0.0.8", null)).isNotNull();
    }

    @Test
    void a_session_ends_after_12_idle_hours_or_7_days_and_when_its_user_is_disabled_or_logs_out() {
        access.createUser("admin", null, Role.ADMIN, pw(GOOD));
        access.createUser("ann", null, Role.OPERATOR, pw(GOOD));
        LoginResult r = access.login("ann", pw(GOOD), "127.0.0.1", null);
        assertThat(access.session(r.secret())).map(Principal::actor).contains("ann");
        assertThat(access.session("not-a-session")).isEmpty();
        clock.advance(Duration.ofHours(11));
        assertThat(access.session(r.secret())).isPresent();
        for (int i = 0; i < 13; i++) {
            clock.advance(Duration.ofHours(11).plusMinutes(59));
            assertThat(access.session(r.secret())).as("used again after 11:59 h, " + i).isPresent();
        }
        clock.advance(Duration.ofMinutes(73));
        assertThat(access.session(r.secret())).as("7 days after the login").isEmpty();

        LoginResult idle = access.login("ann", pw(GOOD), "127.0.0.1", null);
        clock.advance(Duration.ofHours(12));
        assertThat(access.session(idle.secret())).isEmpty();

        LoginResult s = access.login("ann", pw(GOOD), "127.0.0.1", null);
        assertThat(access.sessions("ann")).extracting(Session::id).containsExactly(s.session().id());
        access.updateUser("ann", null, null, true);
        assertThat(access.session(s.secret())).isEmpty();
        access.updateUser("ann", null, null, false);
        LoginResult t = access.login("ann", pw(GOOD), "127.0.0.1", null);
        assertThat(access.logout(t.secret())).isTrue();
        assertThat(access.session(t.secret())).isEmpty();
    }

    @Test
    void the_last_enabled_admin_cannot_be_demoted_disabled_or_deleted() {
        access.createUser("admin", null, Role.ADMIN, pw(GOOD));
        assertThatThrownBy(() -> access.updateUser("admin", null, Role.EDITOR, null))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("last enabled admin");
        assertThatThrownBy(() -> access.updateUser("admin", null, null, true))
                .isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> access.deleteUser("admin")).isInstanceOf(InvalidInputException.class);
        access.createUser("second", null, Role.ADMIN, pw(GOOD));
        access.deleteUser("admin");
        assertThat(access.users()).extracting(User::name).containsExactly("second");
    }

    @Test
    void a_token_works_as_bearer_with_at_most_its_creators_role_until_it_expires_or_is_deleted() {
        access.createUser("admin", null, Role.ADMIN, pw(GOOD));
        access.createUser("ann", null, Role.OPERATOR, pw(GOOD));
        assertThatThrownBy(() -> access.createToken("ann", "ci", Role.ADMIN, null))
                .isInstanceOf(NotPermittedException.class).hasMessageContaining("at most its creator");
        NewToken t = access.createToken("ann", "ci", Role.OPERATOR, Duration.ofHours(1));
        assertThat(t.secret()).startsWith("mcr_");
        assertThat(t.toString()).doesNotContain(t.secret());
        Principal p = access.token(t.secret()).orElseThrow();
        assertThat(p.actor()).isEqualTo("token:ci");
        assertThat(p.role()).isEqualTo(Role.OPERATOR);
        assertThat(access.tokens("ann").get(0).lastUsed()).isEqualTo(clock.instant());
        assertThat(access.token("mcr_forged")).isEmpty();

        access.updateUser("ann", null, Role.VIEWER, null);
        assertThat(access.token(t.secret()).orElseThrow().role()).as("a demoted creator demotes the token")
                .isEqualTo(Role.VIEWER);
        clock.advance(Duration.ofHours(1));
        assertThat(access.token(t.secret())).isEmpty();

        NewToken forever = access.createToken("ann", "forever", Role.VIEWER, null);
        assertThat(access.deleteToken(forever.token().id())).isTrue();
        assertThat(access.token(forever.secret())).isEmpty();
    }

    @Test
    void verify_finds_an_edited_row_and_a_deleted_row_in_the_database_file() throws Exception {
        for (int i = 0; i < 5; i++) {
            access.audit(AuditEntry.of(clock.instant(), "ann", "127.0.0.1", "", "runner.update", "r" + i, "R",
                    "ok", 200, "name: a \u2192 b"));
        }
        assertThat(access.verifyAudit()).isEqualTo(new AuditVerification(true, 5, null,
                access.auditLog(new AuditQuery(1, null, null, null)).get(0).hash()));
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("app.db"));
             Statement st = c.createStatement()) {
            st.executeUpdate("UPDATE mcr_audit SET actor = 'mallory' WHERE id = 3");
        }
        assertThat(access.verifyAudit().ok()).isFalse();
        assertThat(access.verifyAudit().brokenAt()).isEqualTo(3);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("app.db"));
             Statement st = c.createStatement()) {
            st.executeUpdate("UPDATE mcr_audit SET actor = 'ann' WHERE id = 3");
            st.executeUpdate("DELETE FROM mcr_audit WHERE id = 2");
        }
        assertThat(access.verifyAudit().brokenAt()).isEqualTo(2);
    }

    @Test
    void pruning_removes_rows_older_than_the_retention_and_the_rest_still_verifies() {
        access.audit(AuditEntry.of(clock.instant(), "ann", "", "", "a.old", "", "", "ok", 200, ""));
        clock.advance(Duration.ofDays(200));
        access.audit(AuditEntry.of(clock.instant(), "ann", "", "", "a.middle", "", "", "ok", 200, ""));
        clock.advance(Duration.ofDays(200));
        access.audit(AuditEntry.of(clock.instant(), "ann", "", "", "a.new", "", "", "ok", 200, ""));
        assertThat(access.pruneAudit()).isEqualTo(1);
        AuditVerification v = access.verifyAudit();
        assertThat(v.ok()).isTrue();
        assertThat(v.checked()).isEqualTo(2);
        assertThat(access.auditLog(new AuditQuery(10, null, null, null))).extracting(AuditEntry::action)
                .containsExactly("a.new", "a.middle");
    }
}
