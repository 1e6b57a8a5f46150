package dev.mcr.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class BasicAuthTest {

    private final BasicAuth auth = new BasicAuth("admin", "pa:ss wörd");

    private static String basic(String userColonPassword) {
        return "Basic " + Base64.getEncoder().encodeToString(userColonPassword.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void the_right_user_and_password_pass_and_the_password_may_contain_colons() {
        assertThat(auth.allows(basic("admin:pa:ss wörd"))).isTrue();
        assertThat(auth.allows(basic("admin:pa:ss wörd") + "  ")).isTrue();
    }

    @Test
    void a_wrong_user_or_password_fails() {
        assertThat(auth.allows(basic("admin:pa:ss word"))).isFalse();
        assertThat(auth.allows(basic("Admin:pa:ss wörd"))).isFalse();
        assertThat(auth.allows(basic("admin:"))).isFalse();
        assertThat(auth.allows(basic(":pa:ss wörd"))).isFalse();
    }

    @Test
    void malformed_headers_fail() {
        String token = basic("admin:pa:ss wörd").substring(6);
        assertThat(auth.allows(null)).isFalse();
        assertThat(auth.allows("")).isFalse();
        assertThat(auth.allows("Basic ")).isFalse();
        assertThat(auth.allows("basic " + token)).isFalse();
        assertThat(auth.allows("Bearer " + token)).isFalse();
        assertThat(auth.allows("Basic" + token)).isFalse();
        assertThat(auth.allows("Basic " + token + "*")).isFalse();
        assertThat(auth.allows("Basic " + basic("adminpa").substring(6))).isFalse();
    }

    @Test
    void base64_is_checked_strictly_like_pythons_validate_mode() {
        String unpadded = Base64.getEncoder().withoutPadding()
                .encodeToString("admin:pa:ss wörd".getBytes(StandardCharsets.UTF_8));
        assertThat(unpadded.length() % 4).isNotZero();
        assertThat(auth.allows("Basic " + unpadded)).isFalse();
        BasicAuth tildes = new BasicAuth("u", "~~~");
        assertThat(basic("u:~~~")).isEqualTo("Basic dTp+fn4=");
        assertThat(tildes.allows("Basic dTp+fn4=")).isTrue();
        assertThat(tildes.allows("Basic dTp-fn4=")).isFalse();
    }

    @Test
    void credentials_that_are_not_utf8_fail() {
        byte[] latin1 = "admin:pa:ss wörd".getBytes(StandardCharsets.ISO_8859_1);
        assertThat(auth.allows("Basic " + Base64.getEncoder().encodeToString(latin1))).isFalse();
    }
}
