package dev.mcr.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RequestJsonTest {

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String field(String body, String name) {
        byte[] b = RequestJson.fieldBytes(utf8(body), name);
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }

    @Test
    void the_state_is_handed_on_as_exactly_the_bytes_the_client_sent() {
        String state = "{ \"runners\" : [ {\"id\":\"r1\", \"name\":\"Grüße \\ud83d\\ude00 \\ud800\", \"max_runs\": 1e309,"
                + " \"alert_cooldown_s\": NaN, \"x\": 12345678901234567890123} ],\n\t\"runner_groups\": [] }";
        assertThat(field("{\"runner_id\": \"r1\", \"state\": " + state + " , \"z\": [1, {\"state\": 2}]}", "state"))
                .isEqualTo(state);
        assertThat(field("\uFEFF {\"state\":[1,2]}", "state")).isEqualTo("[1,2]");
    }

    @Test
    void the_last_of_duplicate_keys_wins_like_in_the_tree() {
        String body = "{\"state\": {\"runners\": [1]}, \"runner_id\": \"a\", \"state\": {\"runners\": [2]}}";
        assertThat(field(body, "state")).isEqualTo("{\"runners\": [2]}");
        assertThat(RequestJson.parse(utf8(body)).get("state").toString()).isEqualTo("{\"runners\":[2]}");
        assertThat(field("{\"state\": {\"a\": 1}, \"state\": null}", "state")).isNull();
    }

    @Test
    void an_absent_or_scalar_field_has_no_bytes() {
        assertThat(field("{\"runner_id\": \"a\"}", "state")).isNull();
        assertThat(field("{\"state\": \"text\", \"b\": 1}", "state")).isNull();
        assertThat(field("[{\"state\": {}}]", "state")).isNull();
    }

    @Test
    void malformed_bodies_get_the_cores_invalid_json_texts_without_echoing_the_input() {
        assertThatThrownBy(() -> RequestJson.parse(new byte[0])).isInstanceOf(HttpError.class)
                .hasMessage("Invalid JSON: there is no content.")
                .satisfies(e -> assertThat(((HttpError) e).status()).isEqualTo(400));
        assertThatThrownBy(() -> RequestJson.parse(utf8("{\"a\": secret-token-123}")))
                .hasMessageStartingWith("Invalid JSON: Unrecognized token:")
                .hasMessageNotContaining("secret-token-123");
        assertThatThrownBy(() -> RequestJson.parse(utf8("{} {}")))
                .hasMessageStartingWith("Invalid JSON: Unexpected content after the JSON value");
    }
}
