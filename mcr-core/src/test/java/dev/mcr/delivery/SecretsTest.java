package dev.mcr.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class SecretsTest {

    @Test
    void every_form_of_a_secret_is_masked() {
        String text = "raw a+b/c, encoded a%2Bb%2Fc, padded ' a+b/c '";

        assertThat(Secrets.scrub(text, List.of(" a+b/c "))).isEqualTo("raw ***, encoded ***, padded '***'");
    }

    @Test
    void a_longer_secret_containing_a_shorter_one_is_masked_whole() {
        assertThat(Secrets.scrub("key=abcdef", List.of("abc", "abcdef"))).isEqualTo("key=***");
    }

    @Test
    void blank_and_missing_secrets_change_nothing() {
        assertThat(Secrets.scrub("HTTP 500: oops", Arrays.asList(null, "", "  "))).isEqualTo("HTTP 500: oops");
        assertThat(Secrets.scrub(null, List.of("x"))).isNull();
    }
}
