package dev.mcr.model;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcr.error.InvalidInputException;
import dev.mcr.json.StateTrees;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class StateJsonTest {

    static String fixture(String name) {
        try (InputStream in = StateJsonTest.class.getResourceAsStream("/fixtures/" + name)) {
            assertThat(in).as("fixture %s", name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    // ------------------------------------------------------------------------------- round trips

    @Test
    void the_original_first_start_state_reads_back_unchanged() {
        String text = fixture("original-default-state.json");
        assertThat(StateTrees.toJson(StateJson.read(text))).isEqualTo(StateTrees.parse(text));
    }

    @Test
    void a_state_saved_by_the_original_reads_back_unchanged_except_the_dropped_legacy_keys() {
        String text = fixture("original-state-saved.json");
        ObjectNode expected = (ObjectNode) StateTrees.parse(text);
        assertThat(expected.get("pushover_user_key").asText()).isEmpty();
        expected.remove(List.of("pushover_user_key", "pushover_api_token"));

        AppState state = StateJson.read(text);

        assertThat(StateTrees.toJson(state)).isEqualTo(expected);
        assertThat(StateJson.read(StateJson.write(state))).isEqualTo(state);
    }

    @Test
    void an_export_file_of_the_original_reads_as_a_state_keeping_exported_at_as_an_unknown_key() {
        String text = fixture("original-export.json");
        ObjectNode expected = (ObjectNode) StateTrees.parse(text);
        // an export carries no profiles, so as a state its runners cannot keep their notification targets
        expected.get("runners").forEach(r -> {
            ((ObjectNode) r).putArray("notify_profile_ids");
            ((ObjectNode) r).putArray("notify_profile_updates_only");
        });
        expected.putArray("notify_profiles");

        AppState state = StateJson.read(text);

        assertThat(StateTrees.toJson(state)).isEqualTo(expected);
        assertThat(state.extra()).containsExactly(Map.entry("exported_at", "2026-03-11T13:00:00+01:00"));
    }

    @Test
    void keys_are_written_in_the_original_model_order() {
        ObjectNode out = StateTrees.toJson(StateJson.read(fixture("original-state-saved.json")));
        assertThat(fieldNames(out)).containsExactly("notify_profiles", "runners", "runner_groups", "runner_layout");
        assertThat(fieldNames(out.get("notify_profiles").get(0)))
                .containsExactly("id", "name", "type", "active", "failure_count", "sent_count", "config");
        assertThat(fieldNames(out.get("notify_profiles").get(0).get("config"))).containsExactly("user_key", "api_token");
        assertThat(fieldNames(out.get("runners").get(0))).containsExactly("id", "name", "command", "logging_enabled",
                "schedule", "max_runs", "alert_cooldown_s", "alert_escalation_s", "failure_pause_threshold", "cases",
                "notify_profile_ids", "notify_profile_updates_only");
        assertThat(fieldNames(out.get("runners").get(0).get("schedule"))).containsExactly("hours", "minutes", "seconds");
        assertThat(fieldNames(out.get("runners").get(0).get("cases").get(0)))
                .containsExactly("id", "pattern", "message_template", "state");
        assertThat(fieldNames(out.get("runner_groups").get(0)))
                .containsExactly("id", "name", "runner_ids", "disabled_runner_ids");
        assertThat(fieldNames(out.get("runner_layout").get(0))).containsExactly("type", "id");
    }

    @Test
    void write_produces_compact_json_with_unescaped_unicode() {
        AppState state = StateJson.read("{\"runners\":[{\"id\":\"r\",\"name\":\"Büro ✓\",\"cases\":[]}]}");
        assertThat(StateJson.write(state)).startsWith("{\"notify_profiles\":[],\"runners\":[{\"id\":\"r\",\"name\":\"Büro ✓\",");
    }

    @Test
    void write_indented_matches_python_json_dumps_with_indent_2() {
        JsonNode tree = StateTrees.parse("{\"a\":[],\"b\":{},\"c\":[1,{\"x\":\"ü\"}],\"d\":null,\"e\":true}");
        // json.dumps({...}, ensure_ascii=False, indent=2)
        assertThat(StateTrees.writeIndented(tree)).isEqualTo("{\n  \"a\": [],\n  \"b\": {},\n  \"c\": [\n    1,\n"
                + "    {\n      \"x\": \"ü\"\n    }\n  ],\n  \"d\": null,\n  \"e\": true\n}");
    }

    @Test
    void extra_keys_that_collide_with_known_keys_or_nest_cyclically_are_not_written() {
        Map<String, Object> cyclic = new HashMap<>();
        cyclic.put("self", cyclic);
        Map<String, Object> extra = new HashMap<>();
        extra.put("id", "hijack");
        extra.put("loop", cyclic);
        extra.put("ok", List.of(1, "two"));
        Runner r = new Runner("r", "n", new Runner.Execution("c", true), Runner.Timing.ONCE,
                new Runner.Alerting(Duration.ZERO, Duration.ZERO, 0), List.of(), Runner.Targets.NONE, extra);

        JsonNode out = StateTrees.toJson(new AppState(List.of(), List.of(r), List.of(), List.of(), Map.of())).get("runners").get(0);

        assertThat(out.get("id").asText()).isEqualTo("r");
        assertThat(out.has("loop")).isFalse();
        assertThat(out.get("ok")).isEqualTo(StateTrees.parse("[1,\"two\"]"));
    }

    // ------------------------------------------------------------------------------------ errors

    static Stream<Arguments> invalidTexts() {
        return Stream.of(
                arguments("{", "Invalid JSON: Unexpected end-of-input"),
                arguments("{\"a\":1} {}", "Invalid JSON: Unexpected content after the JSON value (line 1, column 9)."),
                arguments("{\"a\": 1,}", "Invalid JSON: Unexpected character"),
                arguments("", "Invalid JSON: there is no content."),
                arguments("   \n ", "Invalid JSON: there is no content."),
                arguments("[".repeat(10_000), "Invalid JSON: Document nesting depth (1001) exceeds the maximum allowed (1000)."));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("invalidTexts")
    void unparsable_text_is_rejected_with_a_readable_sentence(String text, String start) {
        assertThatThrownBy(() -> StateJson.read(text))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageStartingWith(start)
                .hasMessageEndingWith(".")
                .hasMessageNotContaining("\n")
                .hasMessageNotContaining("Source")
                .hasMessageNotContaining("`")
                .hasNoCause();
    }

    @Test
    void the_reason_names_the_position() {
        assertThatThrownBy(() -> StateTrees.parse("{\n  \"a\": x\n}"))
                .hasMessageContaining("(line 2, column");
    }

    @Test
    void an_unrecognized_token_is_not_echoed_because_it_may_be_a_pasted_secret() {
        assertThatThrownBy(() -> StateTrees.parse("{\"api_token\": azGdo8secretTokenValue123}"))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageStartingWith("Invalid JSON: Unrecognized token:")
                .hasMessageNotContaining("azGdo8secretTokenValue123");
    }

    @Test
    void invalid_utf8_bytes_are_rejected_with_a_readable_sentence() {
        assertThatThrownBy(() -> StateTrees.parse(new byte[] {'{', '"', (byte) 0xff, '"', ':', '1', '}'}))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageStartingWith("Invalid JSON: Invalid UTF-8");
    }

    @Test
    void missing_or_empty_content_is_rejected() {
        assertThatThrownBy(() -> StateTrees.parse(new byte[0])).hasMessage("Invalid JSON: there is no content.");
        assertThatThrownBy(() -> StateTrees.parse((byte[]) null)).hasMessage("Invalid JSON: there is no content.");
        assertThatThrownBy(() -> StateJson.read(null)).hasMessage("Invalid JSON: there is no content.");
    }

    @Test
    void python_non_numbers_are_accepted_like_the_original_reads_them() {
        assertThat(StateTrees.parse("{\"a\": NaN, \"b\": -Infinity}").get("a").isNumber()).isTrue();
    }

    @Test
    void the_shared_mapper_cannot_be_reconfigured_through_mapper() {
        ObjectMapper copy = StateTrees.mapper();
        copy.disable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        assertThatThrownBy(() -> StateTrees.parse("{} {}")).isInstanceOf(InvalidInputException.class);
        assertThat(StateTrees.mapper()).isNotSameAs(copy);
    }
}
