package dev.mcr.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The structure that makes the credential check constant-time: for every header that carries a
 * {@code user:password} pair, exactly two comparisons run, the user's and the password's, each on two SHA-256
 * digests (equal length whatever was sent) through the constant-time comparison, whichever part is wrong.
 */
class BasicAuthTimingTest {

    private static String basic(String userColonPassword) {
        return "Basic " + Base64.getEncoder().encodeToString(userColonPassword.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] sha256(String s) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void user_and_password_are_both_compared_as_equal_length_digests_whatever_is_wrong() throws Exception {
        List<byte[][]> calls = new ArrayList<>();
        BasicAuth auth = new BasicAuth("admin", "s3cret", (a, b) -> {
            calls.add(new byte[][] {a.clone(), b.clone()});
            return MessageDigest.isEqual(a, b);
        });
        String[][] cases = {
            {"admin:s3cret", "true"}, {"admin:wrong", "false"}, {"nobody:s3cret", "false"},
            {"nobody:wrong", "false"}, {":", "false"}, {"admin:", "false"}, {":s3cret", "false"},
            {"a-much-longer-user-name-than-the-real-one:" + "p".repeat(5000), "false"},
        };
        for (String[] c : cases) {
            calls.clear();
            assertThat(auth.allows(basic(c[0]))).as(c[0]).isEqualTo(Boolean.parseBoolean(c[1]));
            assertThat(calls).as("comparisons for %s", c[0]).hasSize(2);
            String user = c[0].substring(0, c[0].indexOf(':'));
            String password = c[0].substring(c[0].indexOf(':') + 1);
            assertThat(calls.get(0)[0]).isEqualTo(sha256(user));
            assertThat(calls.get(0)[1]).isEqualTo(sha256("admin"));
            assertThat(calls.get(1)[0]).isEqualTo(sha256(password));
            assertThat(calls.get(1)[1]).isEqualTo(sha256("s3cret"));
            for (byte[][] call : calls) {
                assertThat(call[0]).hasSize(32);
                assertThat(call[1]).hasSize(32);
            }
        }
    }
}
