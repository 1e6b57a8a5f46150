package dev.mcr.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcr.model.AppState;
import dev.mcr.model.LayoutItem;
import dev.mcr.model.NotifyProfile;
import dev.mcr.model.Runner;
import dev.mcr.model.RunnerGroup;
import dev.mcr.model.StateJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class StateNormalizerTest {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final String NEW_ID = "^%s_[0-9a-f]{32}$";

    private static JsonNode json(String text) {
        return StateTrees.parse(text);
    }

    private static ObjectNode normalizedJson(String stateText) {
        return StateTrees.toJson(StateNormalizer.normalize(json(stateText)));
    }

    private static JsonNode onlyRunner(String runnerFields) {
        ObjectNode out = normalizedJson("{\"runners\":[{\"id\":\"r1\"" + (runnerFields.isEmpty() ? "" : "," + runnerFields) + "}]}");
        assertThat(out.get("runners")).hasSize(1);
        return out.get("runners").get(0);
    }

    // ------------------------------------------------------------------------------ coercion tables

    static Stream<Arguments> runnerFields() {
        return Stream.of(
                arguments("max_runs", "\"5\"", "5"),
                arguments("max_runs", "5.0", "5"),
                arguments("max_runs", "\"5.0\"", "5"),
                arguments("max_runs", "\" 7 \"", "7"),
                arguments("max_runs", "5.7", "5"),
                arguments("max_runs", "null", "1"),
                arguments("max_runs", "true", "1"),
                arguments("max_runs", "false", "1"),
                arguments("max_runs", "[]", "1"),
                arguments("max_runs", "{}", "1"),
                arguments("max_runs", "\"abc\"", "1"),
                arguments("max_runs", "-1", "-1"),
                arguments("max_runs", "\"-1\"", "-1"),
                arguments("max_runs", "-1.0", "-1"),
                arguments("max_runs", "0", "1"),
                arguments("max_runs", "-5", "1"),
                arguments("max_runs", "100", "100"),
                arguments("max_runs", "101", "100"),
                arguments("max_runs", "1e309", "1"),
                arguments("max_runs", "1e308", "100"),
                arguments("max_runs", "99999999999999999999", "100"),
                arguments("max_runs", "-99999999999999999999", "1"),
                arguments("max_runs", "\"1e999999999\"", "1"),
                arguments("max_runs", "\"1e-999999999\"", "1"),
                arguments("max_runs", "NaN", "1"),
                arguments("alert_cooldown_s", "\"60\"", "60"),
                arguments("alert_cooldown_s", "-5", "0"),
                arguments("alert_cooldown_s", "\"-5\"", "0"),
                arguments("alert_cooldown_s", "2.9", "2"),
                arguments("alert_cooldown_s", "null", "300"),
                arguments("alert_cooldown_s", "\"x\"", "300"),
                arguments("alert_cooldown_s", "true", "300"),
                arguments("alert_cooldown_s", "[]", "300"),
                arguments("alert_cooldown_s", "1e309", "300"),
                arguments("alert_cooldown_s", "-1e309", "300"),
                arguments("alert_cooldown_s", "99999999999999999999", "2147483647"),
                arguments("alert_cooldown_s", "\"NaN\"", "300"),
                arguments("alert_escalation_s", "0", "0"),
                arguments("alert_escalation_s", "{}", "1800"),
                arguments("alert_escalation_s", "\"120\"", "120"),
                arguments("alert_escalation_s", "-0.5", "0"),
                arguments("failure_pause_threshold", "-1", "0"),
                arguments("failure_pause_threshold", "\"3\"", "3"),
                arguments("failure_pause_threshold", "null", "5"),
                arguments("failure_pause_threshold", "3.0", "3"),
                arguments("failure_pause_threshold", "\"\"", "5"),
                arguments("name", "5", "\"5\""),
                arguments("name", "null", "\"Runner\""),
                arguments("name", "[]", "\"Runner\""),
                arguments("name", "true", "\"Runner\""),
                arguments("name", "\"\"", "\"\""),
                arguments("name", "\"Sicherung – täglich ✓\"", "\"Sicherung – täglich ✓\""),
                arguments("command", "42", "\"42\""),
                arguments("command", "{}", "\"\""),
                arguments("command", "null", "\"\""),
                arguments("command", "\"echo hi\"", "\"echo hi\""),
                arguments("logging_enabled", "false", "false"),
                arguments("logging_enabled", "\"false\"", "false"),
                arguments("logging_enabled", "\" Off \"", "false"),
                arguments("logging_enabled", "0", "false"),
                arguments("logging_enabled", "0.0", "false"),
                arguments("logging_enabled", "1", "true"),
                arguments("logging_enabled", "\"yes\"", "true"),
                arguments("logging_enabled", "null", "true"),
                arguments("logging_enabled", "\"maybe\"", "true"),
                arguments("logging_enabled", "[]", "true"),
                arguments("schedule", "{\"hours\":\"1\",\"minutes\":2.0,\"seconds\":\" 3 \"}", "{\"hours\":1,\"minutes\":2,\"seconds\":3}"),
                arguments("schedule", "{\"seconds\":-5}", "{\"hours\":0,\"minutes\":0,\"seconds\":0}"),
                arguments("schedule", "{\"hours\":1,\"minutes\":-30}", "{\"hours\":0,\"minutes\":30,\"seconds\":0}"),
                arguments("schedule", "{\"hours\":-1,\"minutes\":90,\"seconds\":5}", "{\"hours\":0,\"minutes\":30,\"seconds\":5}"),
                arguments("schedule", "{\"minutes\":90}", "{\"hours\":0,\"minutes\":90,\"seconds\":0}"),
                arguments("schedule", "\"5\"", "{\"hours\":0,\"minutes\":0,\"seconds\":0}"),
                arguments("schedule", "null", "{\"hours\":0,\"minutes\":0,\"seconds\":0}"),
                arguments("schedule", "[1,2,3]", "{\"hours\":0,\"minutes\":0,\"seconds\":0}"),
                arguments("schedule", "{\"hours\":99999999999999999999}", "{\"hours\":2147483647,\"minutes\":0,\"seconds\":0}"),
                arguments("schedule", "{\"hours\":1e309,\"seconds\":\"x\"}", "{\"hours\":0,\"minutes\":0,\"seconds\":0}"),
                arguments("cases", "\"x\"", "[]"),
                arguments("cases", "null", "[]"),
                arguments("cases", "[1,\"a\",null,[]]", "[]"),
                arguments("cases", "{}", "[]"),
                arguments("notify_profile_ids", "\"p1\"", "[]"),
                arguments("notify_profile_updates_only", "{}", "[]"));
    }

    @ParameterizedTest(name = "runner {0} = {1} becomes {2}")
    @MethodSource("runnerFields")
    void runner_values_are_coerced_clamped_or_defaulted(String field, String raw, String expected) {
        JsonNode runner = onlyRunner("\"" + field + "\":" + raw);
        assertThat(runner.get(field)).isEqualTo(json(expected));
    }

    @Test
    void a_runner_without_any_field_gets_every_default() {
        JsonNode runner = normalizedJson("{\"runners\":[{}]}").get("runners").get(0);
        ObjectNode expected = (ObjectNode) json("{\"name\":\"Runner\",\"command\":\"\",\"logging_enabled\":true,"
                + "\"schedule\":{\"hours\":0,\"minutes\":0,\"seconds\":0},\"max_runs\":1,\"alert_cooldown_s\":300,"
                + "\"alert_escalation_s\":1800,\"failure_pause_threshold\":5,\"cases\":[],\"notify_profile_ids\":[],"
                + "\"notify_profile_updates_only\":[]}");
        expected.put("id", runner.get("id").asText());
        assertThat(runner).isEqualTo(expected);
        assertThat(runner.get("id").asText()).matches(NEW_ID.formatted("runner"));
    }

    static Stream<Arguments> profileFields() {
        return Stream.of(
                arguments("name", "null", "\"Pushover\""),
                arguments("name", "5", "\"5\""),
                arguments("name", "\"\"", "\"\""),
                arguments("type", "\" PushOver \"", "\"pushover\""),
                arguments("type", "null", "\"pushover\""),
                arguments("type", "5", "\"pushover\""),
                arguments("type", "\"../x\"", "\"pushover\""),
                arguments("type", "\"webhook\"", "\"webhook\""),
                arguments("active", "false", "false"),
                arguments("active", "\"false\"", "false"),
                arguments("active", "0", "false"),
                arguments("active", "null", "true"),
                arguments("active", "\"x\"", "true"),
                arguments("failure_count", "-3", "0"),
                arguments("failure_count", "\"2\"", "2"),
                arguments("failure_count", "2.5", "2"),
                arguments("failure_count", "1e309", "0"),
                arguments("failure_count", "null", "0"),
                arguments("failure_count", "99999999999999999999", "2147483647"),
                arguments("sent_count", "\"7\"", "7"),
                arguments("sent_count", "[]", "0"),
                arguments("config", "\"x\"", "{\"user_key\":\"\",\"api_token\":\"\"}"),
                arguments("config", "null", "{\"user_key\":\"\",\"api_token\":\"\"}"),
                arguments("config", "{\"user_key\":5,\"api_token\":null}", "{\"user_key\":\"5\",\"api_token\":\"\"}"),
                arguments("config", "{\"user_key\":[1],\"api_token\":{\"a\":1}}", "{\"user_key\":\"\",\"api_token\":\"\"}"),
                arguments("config", "{\"api_token\":\"t\",\"region\":\"eu\"}", "{\"api_token\":\"t\",\"region\":\"eu\",\"user_key\":\"\"}"));
    }

    @ParameterizedTest(name = "profile {0} = {1} becomes {2}")
    @MethodSource("profileFields")
    void profile_values_are_coerced_or_defaulted(String field, String raw, String expected) {
        JsonNode profile = normalizedJson("{\"notify_profiles\":[{\"id\":\"p1\",\"" + field + "\":" + raw + "}]}")
                .get("notify_profiles").get(0);
        assertThat(profile.get(field)).isEqualTo(json(expected));
    }

    static Stream<Arguments> caseFields() {
        return Stream.of(
                arguments("state", "\" up \"", "\"UP\""),
                arguments("state", "\"stop\"", "\"STOP\""),
                arguments("state", "\"Down\"", "\"DOWN\""),
                arguments("state", "\"warn\"", "\"WARN\""),
                arguments("state", "\"info\"", "\"INFO\""),
                arguments("state", "\"bogus\"", "\"\""),
                arguments("state", "\"NONE\"", "\"\""),
                arguments("state", "5", "\"\""),
                arguments("state", "null", "\"\""),
                arguments("state", "[]", "\"\""),
                arguments("pattern", "5", "\"5\""),
                arguments("pattern", "null", "\"\""),
                arguments("pattern", "{}", "\"\""),
                arguments("pattern", "\"(?P<x>\\\\d+)\"", "\"(?P<x>\\\\d+)\""),
                arguments("message_template", "true", "\"\""),
                arguments("message_template", "\"{g1}\"", "\"{g1}\""));
    }

    @ParameterizedTest(name = "case {0} = {1} becomes {2}")
    @MethodSource("caseFields")
    void case_values_are_coerced_or_defaulted(String field, String raw, String expected) {
        JsonNode c = onlyRunner("\"cases\":[{\"id\":\"c1\",\"" + field + "\":" + raw + "}]").get("cases").get(0);
        assertThat(c.get(field)).isEqualTo(json(expected));
        assertThat(c.get("id").asText()).isEqualTo("c1");
    }

    // ------------------------------------------------------------------------------------------- ids

    static Stream<Arguments> ids() {
        String max = "a".repeat(120);
        return Stream.of(
                arguments("\"r1\"", "r1"),
                arguments("\" r1 \"", "r1"),
                arguments("\"Run-ner_2\"", "Run-ner_2"),
                arguments("5", "5"),
                arguments("\"" + max + "\"", max),
                arguments("\"" + max + "a\"", null),
                arguments("\"../x\"", null),
                arguments("\"\"", null),
                arguments("\"   \"", null),
                arguments("null", null),
                arguments("\"a b\"", null),
                arguments("\"ünï\"", null),
                arguments("\"x/y\"", null),
                arguments("true", null),
                arguments("5.5", null),
                arguments("[\"r1\"]", null),
                arguments("{}", null));
    }

    @ParameterizedTest(name = "runner id {0} -> {1}")
    @MethodSource("ids")
    void runner_ids_are_kept_when_valid_and_replaced_otherwise(String raw, String kept) {
        String id = normalizedJson("{\"runners\":[{\"id\":" + raw + "}]}").get("runners").get(0).get("id").asText();
        assertId(id, kept, "runner");
    }

    @ParameterizedTest(name = "profile id {0} -> {1}")
    @MethodSource("ids")
    void profile_ids_are_kept_when_valid_and_replaced_otherwise(String raw, String kept) {
        String id = normalizedJson("{\"notify_profiles\":[{\"id\":" + raw + "}]}").get("notify_profiles").get(0).get("id").asText();
        assertId(id, kept, "notify");
    }

    @ParameterizedTest(name = "case id {0} -> {1}")
    @MethodSource("ids")
    void case_ids_are_kept_when_valid_and_replaced_otherwise(String raw, String kept) {
        String id = onlyRunner("\"cases\":[{\"id\":" + raw + "}]").get("cases").get(0).get("id").asText();
        assertId(id, kept, "case");
    }

    @ParameterizedTest(name = "group id {0} -> {1}")
    @MethodSource("ids")
    void group_ids_are_kept_when_valid_and_replaced_otherwise(String raw, String kept) {
        String id = normalizedJson("{\"runner_groups\":[{\"id\":" + raw + "}]}").get("runner_groups").get(0).get("id").asText();
        assertId(id, kept, "group");
    }

    private static void assertId(String id, String kept, String prefix) {
        if (kept == null) {
            assertThat(id).matches(NEW_ID.formatted(prefix));
        } else {
            assertThat(id).isEqualTo(kept);
        }
    }

    @Test
    void duplicate_ids_are_renamed_and_references_keep_pointing_at_the_first() {
        AppState s = StateNormalizer.normalize(json("{"
                + "\"notify_profiles\":[{\"id\":\"p\",\"name\":\"one\"},{\"id\":\"p\",\"name\":\"two\"}],"
                + "\"runners\":[{\"id\":\"r\",\"name\":\"first\",\"notify_profile_ids\":[\"p\"],"
                + "    \"cases\":[{\"id\":\"c\",\"pattern\":\"a\"},{\"id\":\"c\",\"pattern\":\"b\"}]},"
                + "  {\"id\":\"r\",\"name\":\"second\",\"cases\":[{\"id\":\"c\"}]}],"
                + "\"runner_groups\":[{\"id\":\"g\",\"name\":\"G1\",\"runner_ids\":[\"r\"]},{\"id\":\"g\",\"name\":\"G2\"}]}"));

        assertThat(s.notifyProfiles()).extracting(NotifyProfile::name).containsExactly("one", "two");
        assertThat(s.notifyProfiles().get(0).id()).isEqualTo("p");
        assertThat(s.notifyProfiles().get(1).id()).matches(NEW_ID.formatted("notify"));

        assertThat(s.runners().get(0).id()).isEqualTo("r");
        assertThat(s.runners().get(1).id()).matches(NEW_ID.formatted("runner"));
        assertThat(s.runners().get(0).targets().profileIds()).containsExactly("p");
        assertThat(s.runners().get(0).cases().get(0).id()).isEqualTo("c");
        assertThat(s.runners().get(0).cases().get(1).id()).matches(NEW_ID.formatted("case"));
        assertThat(s.runners().get(0).cases().get(1).pattern()).isEqualTo("b");
        // case ids only need to be unique within their runner
        assertThat(s.runners().get(1).cases().get(0).id()).isEqualTo("c");

        assertThat(s.runnerGroups().get(0).id()).isEqualTo("g");
        assertThat(s.runnerGroups().get(0).runnerIds()).containsExactly("r");
        assertThat(s.runnerGroups().get(1).id()).matches(NEW_ID.formatted("group"));
    }

    // ---------------------------------------------------------------------------------- references

    @Test
    void notification_ids_must_name_existing_profiles_once_and_updates_only_is_a_subset() {
        JsonNode runner = normalizedJson("{\"notify_profiles\":[{\"id\":\"p1\"},{\"id\":\"p2\"},{\"id\":\"p3\"}],"
                + "\"runners\":[{\"id\":\"r\",\"notify_profile_ids\":[\"p2\",\"ghost\",\"p1\",\"p2\",\" p1 \",5,null,\"../p\"],"
                + "\"notify_profile_updates_only\":[\"p1\",\"ghost\",\"p3\",\"p1\",\" p2\"]}]}").get("runners").get(0);
        assertThat(runner.get("notify_profile_ids")).isEqualTo(json("[\"p2\",\"p1\"]"));
        assertThat(runner.get("notify_profile_updates_only")).isEqualTo(json("[\"p1\",\"p2\"]"));
    }

    @Test
    void a_runner_belongs_to_its_first_group_and_disabled_ids_are_a_subset_of_members() {
        ObjectNode out = normalizedJson("{\"runners\":[{\"id\":\"a\"},{\"id\":\"b\"},{\"id\":\"c\"}],"
                + "\"runner_groups\":["
                + "{\"id\":\"g1\",\"name\":\"\",\"runner_ids\":[\"a\",\"ghost\",\"a\",\" b \",7,null],\"disabled_runner_ids\":[\"b\",\"c\",\"b\",\"ghost\"]},"
                + "{\"id\":\"g2\",\"name\":null,\"runner_ids\":[\"b\",\"c\"],\"disabled_runner_ids\":\"c\"},"
                + "{\"id\":\"g3\",\"name\":5,\"runner_ids\":\"abc\"},"
                + "\"not a group\"]}");
        assertThat(out.get("runner_groups")).isEqualTo(json("["
                + "{\"id\":\"g1\",\"name\":\"Group\",\"runner_ids\":[\"a\",\"b\"],\"disabled_runner_ids\":[\"b\"]},"
                + "{\"id\":\"g2\",\"name\":\"Group\",\"runner_ids\":[\"c\"],\"disabled_runner_ids\":[]},"
                + "{\"id\":\"g3\",\"name\":\"5\",\"runner_ids\":[],\"disabled_runner_ids\":[]}]"));
    }

    static Stream<Arguments> layouts() {
        String runners = "\"runners\":[{\"id\":\"a\"},{\"id\":\"b\"},{\"id\":\"c\"},{\"id\":\"d\"}],"
                + "\"runner_groups\":[{\"id\":\"g\",\"runner_ids\":[\"b\"]},{\"id\":\"h\"}]";
        return Stream.of(
                arguments("grouped, duplicate, dangling and unknown items are dropped; missing ones appended",
                        "{" + runners + ",\"runner_layout\":[{\"type\":\"runner\",\"id\":\"b\"},{\"type\":\"runner\",\"id\":\"a\"},"
                                + "{\"type\":\"runner\",\"id\":\"a\"},{\"type\":\"group\",\"id\":\"g\"},{\"type\":\"group\",\"id\":\"ghost\"},"
                                + "{\"type\":\"runner\",\"id\":\"ghost\"},{\"type\":\"thing\",\"id\":\"c\"},{\"type\":\" RUNNER \",\"id\":\" c \"},"
                                + "{\"type\":\"group\",\"id\":\"g\"},\"x\",null,5,{\"id\":\"d\"}]}",
                        "[{\"type\":\"runner\",\"id\":\"a\"},{\"type\":\"group\",\"id\":\"g\"},{\"type\":\"runner\",\"id\":\"c\"},"
                                + "{\"type\":\"runner\",\"id\":\"d\"},{\"type\":\"group\",\"id\":\"h\"}]"),
                arguments("no layout: ungrouped runners in order, then groups",
                        "{" + runners + "}",
                        "[{\"type\":\"runner\",\"id\":\"a\"},{\"type\":\"runner\",\"id\":\"c\"},{\"type\":\"runner\",\"id\":\"d\"},"
                                + "{\"type\":\"group\",\"id\":\"g\"},{\"type\":\"group\",\"id\":\"h\"}]"),
                arguments("a layout of the wrong type counts as missing",
                        "{" + runners + ",\"runner_layout\":{\"type\":\"group\",\"id\":\"h\"}}",
                        "[{\"type\":\"runner\",\"id\":\"a\"},{\"type\":\"runner\",\"id\":\"c\"},{\"type\":\"runner\",\"id\":\"d\"},"
                                + "{\"type\":\"group\",\"id\":\"g\"},{\"type\":\"group\",\"id\":\"h\"}]"),
                arguments("groups listed first stay first",
                        "{" + runners + ",\"runner_layout\":[{\"type\":\"group\",\"id\":\"h\"},{\"type\":\"runner\",\"id\":\"d\"}]}",
                        "[{\"type\":\"group\",\"id\":\"h\"},{\"type\":\"runner\",\"id\":\"d\"},{\"type\":\"runner\",\"id\":\"a\"},"
                                + "{\"type\":\"runner\",\"id\":\"c\"},{\"type\":\"group\",\"id\":\"g\"}]"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("layouts")
    void the_layout_is_repaired(String description, String state, String expectedLayout) {
        assertThat(normalizedJson(state).get("runner_layout")).isEqualTo(json(expectedLayout));
    }

    // --------------------------------------------------------------------------------- legacy keys

    @Test
    void legacy_pushover_keys_without_profiles_become_the_default_profile_for_runners_without_targets() {
        AppState s = StateNormalizer.normalize(json("{\"pushover_user_key\":\"uk\",\"pushover_api_token\":\"tok\","
                + "\"runners\":[{\"id\":\"a\"},{\"id\":\"b\",\"notify_profile_ids\":[\"elsewhere\"]},{\"id\":\"c\",\"notify_profile_ids\":[]}]}"));

        assertThat(s.notifyProfiles()).containsExactly(new NotifyProfile("notify_default", "Pushover (Standard)", "pushover",
                true, 0, 0, Map.of("user_key", "uk", "api_token", "tok"), Map.of()));
        assertThat(s.runners()).extracting(r -> r.targets().profileIds())
                .containsExactly(List.of("notify_default"), List.of(), List.of("notify_default"));
        assertThat(s.extra()).isEmpty();
    }

    static Stream<Arguments> legacyStates() {
        return Stream.of(
                arguments("{\"pushover_api_token\":\"tok\",\"notify_profiles\":[]}", List.of("notify_default"), "", "tok"),
                arguments("{\"pushover_user_key\":\"uk\",\"notify_profiles\":null}", List.of("notify_default"), "uk", ""),
                arguments("{\"pushover_user_key\":12345}", List.of("notify_default"), "12345", ""),
                arguments("{\"pushover_user_key\":\"uk\",\"notify_profiles\":[{\"id\":\"mine\"}]}", List.of("mine"), null, null),
                arguments("{\"pushover_user_key\":\"\",\"pushover_api_token\":\"\"}", List.of(), null, null),
                arguments("{\"pushover_user_key\":null,\"pushover_api_token\":false}", List.of(), null, null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("legacyStates")
    void legacy_keys_migrate_only_without_profiles_and_are_never_kept(String state, List<String> profileIds,
                                                                      String userKey, String apiToken) {
        AppState s = StateNormalizer.normalize(json(state));
        assertThat(s.notifyProfiles()).extracting(NotifyProfile::id).containsExactlyElementsOf(profileIds);
        if (userKey != null) {
            assertThat(s.notifyProfiles().get(0).configValue("user_key")).isEqualTo(userKey);
            assertThat(s.notifyProfiles().get(0).configValue("api_token")).isEqualTo(apiToken);
        }
        assertThat(s.extra()).doesNotContainKeys("pushover_user_key", "pushover_api_token");
        assertThat(StateJson.write(s)).doesNotContain("pushover_");
    }

    // -------------------------------------------------------------------------------- unknown keys

    @Test
    void unknown_keys_are_kept_as_plain_java_values_and_written_back_after_the_known_keys() {
        AppState s = StateNormalizer.normalize(json("{\"theme\":\"dark\",\"nested\":{\"a\":[1,2.5,true,null,\"x\"],"
                + "\"big\":99999999999999999999},"
                + "\"notify_profiles\":[{\"id\":\"p\",\"snoozed_until\":\"2026\",\"color\":\"red\"}],"
                + "\"runners\":[{\"id\":\"r\",\"nice_level\":30,\"snoozed_until\":5,\"cases\":[{\"id\":\"c\",\"note\":\"x\"}],"
                + "\"schedule\":{\"seconds\":5,\"calendar\":\"*/5 * * * *\"}}],"
                + "\"runner_groups\":[{\"id\":\"g\",\"collapsed\":true}],"
                + "\"runner_layout\":[{\"type\":\"runner\",\"id\":\"r\",\"pinned\":true}]}"));

        Map<String, Object> nested = new LinkedHashMap<>();
        nested.put("a", Arrays.asList(1, 2.5, true, null, "x"));
        nested.put("big", new BigInteger("99999999999999999999"));
        assertThat(s.extra()).containsExactly(Map.entry("theme", "dark"), Map.entry("nested", nested));
        assertThat(s.notifyProfiles().get(0).extra()).containsExactly(Map.entry("color", "red"));
        assertThat(s.runners().get(0).extra()).containsExactly(Map.entry("nice_level", 30));
        assertThat(s.runnerGroups().get(0).extra()).containsExactly(Map.entry("collapsed", true));

        @SuppressWarnings("unchecked")
        Map<String, Object> kept = (Map<String, Object>) s.extra().get("nested");
        assertThatThrownBy(() -> kept.put("x", 1)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> ((List<?>) kept.get("a")).clear()).isInstanceOf(UnsupportedOperationException.class);

        ObjectNode out = StateTrees.toJson(s);
        assertThat(fieldNames(out)).containsExactly("notify_profiles", "runners", "runner_groups", "runner_layout", "theme", "nested");
        assertThat(out.get("nested")).isEqualTo(json("{\"a\":[1,2.5,true,null,\"x\"],\"big\":99999999999999999999}"));
        assertThat(fieldNames(out.get("runners").get(0))).endsWith("notify_profile_updates_only", "nice_level");
        assertThat(s.runners().get(0).cases().get(0).extra()).containsExactly(Map.entry("note", "x"));
        assertThat(s.runners().get(0).timing().schedule().extra()).containsExactly(Map.entry("calendar", "*/5 * * * *"));
        assertThat(s.runnerLayout().get(0).extra()).containsExactly(Map.entry("pinned", true));
        assertThat(out.get("runners").get(0).get("cases").get(0))
                .isEqualTo(json("{\"id\":\"c\",\"pattern\":\"\",\"message_template\":\"\",\"state\":\"\",\"note\":\"x\"}"));
        assertThat(fieldNames(out.get("runners").get(0).get("cases").get(0))).endsWith("state", "note");
        assertThat(out.get("runners").get(0).get("schedule"))
                .isEqualTo(json("{\"hours\":0,\"minutes\":0,\"seconds\":5,\"calendar\":\"*/5 * * * *\"}"));
        assertThat(fieldNames(out.get("runners").get(0).get("schedule"))).endsWith("seconds", "calendar");
        assertThat(out.get("runner_layout").get(0)).isEqualTo(json("{\"type\":\"runner\",\"id\":\"r\",\"pinned\":true}"));
        assertThat(out.get("runner_groups").get(0).get("collapsed").booleanValue()).isTrue();
        assertThat(StateJson.write(s)).doesNotContain("snoozed_until");
    }

    @Test
    void a_document_with_unknown_keys_at_every_level_is_written_back_byte_for_byte() {
        String doc = "{\"notify_profiles\":[{\"id\":\"p\",\"name\":\"P\",\"type\":\"pushover\",\"active\":true,"
                + "\"failure_count\":0,\"sent_count\":0,\"config\":{\"user_key\":\"\",\"api_token\":\"\",\"sound\":\"x\"},"
                + "\"quiet_hours\":{\"from\":\"22:00\"}}],"
                + "\"runners\":[{\"id\":\"r\",\"name\":\"R\",\"command\":\"true\",\"logging_enabled\":true,"
                + "\"schedule\":{\"hours\":0,\"minutes\":90,\"seconds\":0,\"calendar\":\"0 * * * *\",\"timezone\":\"Europe/Berlin\"},"
                + "\"max_runs\":-1,\"alert_cooldown_s\":60,\"alert_escalation_s\":0,\"failure_pause_threshold\":3,"
                + "\"cases\":[{\"id\":\"c\",\"pattern\":\"DOWN\",\"message_template\":\"down\",\"state\":\"DOWN\","
                + "\"ack\":{\"required\":true}}],\"notify_profile_ids\":[\"p\"],\"notify_profile_updates_only\":[],"
                + "\"nice_level\":30}],"
                + "\"runner_groups\":[{\"id\":\"g\",\"name\":\"G\",\"runner_ids\":[],\"disabled_runner_ids\":[],\"collapsed\":true}],"
                + "\"runner_layout\":[{\"type\":\"runner\",\"id\":\"r\",\"pinned\":true},{\"type\":\"group\",\"id\":\"g\"}],"
                + "\"theme\":\"dark\"}";

        AppState once = StateNormalizer.normalize(json(doc));

        assertThat(StateJson.write(once)).isEqualTo(doc);
        assertThat(StateNormalizer.normalize(once)).isEqualTo(once);
    }

    /** Arrays nested {@code depth} levels deep, innermost empty. */
    private static ArrayNode nestedArrays(int depth) {
        ArrayNode inner = NODES.arrayNode();
        for (int i = 1; i < depth; i++) {
            ArrayNode outer = NODES.arrayNode();
            outer.add(inner);
            inner = outer;
        }
        return inner;
    }

    @Test
    void unknown_values_nested_deeper_than_the_limit_are_dropped_and_shallower_ones_kept() {
        ObjectNode root = NODES.objectNode();
        root.set("at_limit", nestedArrays(StateNormalizer.MAX_EXTRA_DEPTH));
        root.set("over_limit", nestedArrays(StateNormalizer.MAX_EXTRA_DEPTH + 1));
        ObjectNode runner = root.putArray("runners").addObject();
        runner.put("id", "r");
        runner.set("hostile", nestedArrays(10_000));
        runner.put("fine", "yes");

        AppState s = StateNormalizer.normalize(root);

        assertThat(s.extra()).containsOnlyKeys("at_limit");
        assertThat(s.runners().get(0).extra()).containsOnlyKeys("fine");
        assertThat(StateNormalizer.normalize(StateTrees.toJson(s)).extra()).containsOnlyKeys("at_limit");
    }

    // ------------------------------------------------------------------------------------- hostile

    static Stream<JsonNode> notAnObject() {
        return Stream.of(null, NODES.nullNode(), NODES.missingNode(), NODES.textNode("x"), NODES.numberNode(5),
                NODES.booleanNode(true), NODES.arrayNode().add(1));
    }

    @ParameterizedTest
    @MethodSource("notAnObject")
    void input_that_is_not_an_object_gives_the_empty_state(JsonNode raw) {
        AppState s = StateNormalizer.normalize(raw);
        assertThat(StateTrees.toJson(s)).isEqualTo(json(
                "{\"notify_profiles\":[],\"runners\":[],\"runner_groups\":[],\"runner_layout\":[]}"));
    }

    @Test
    void top_level_lists_of_the_wrong_type_count_as_empty() {
        AppState s = StateNormalizer.normalize(json(
                "{\"runners\":\"abc\",\"notify_profiles\":5,\"runner_groups\":{},\"runner_layout\":true}"));
        assertThat(s.runners()).isEmpty();
        assertThat(s.notifyProfiles()).isEmpty();
        assertThat(s.runnerGroups()).isEmpty();
        assertThat(s.runnerLayout()).isEmpty();
    }

    private static final List<String> HOSTILE = List.of("null", "true", "-1", "0", "1e309", "-1e309", "99999999999999999999",
            "-99999999999999999999", "1.5", "\"\"", "\"x\"", "\"../x\"", "\"5\"", "[]", "{}", "[null]", "[{}]", "[[]]",
            "{\"a\":[]}", "[\"../x\",5,true]", "NaN", "\"" + "z".repeat(5000) + "\"");

    private static final List<String> PLACES = List.of(
            "{\"notify_profiles\":%s}",
            "{\"notify_profiles\":[%s]}",
            "{\"notify_profiles\":[{\"id\":%s,\"name\":%<s,\"type\":%<s,\"active\":%<s,\"failure_count\":%<s,\"sent_count\":%<s}]}",
            "{\"notify_profiles\":[{\"id\":\"p\",\"config\":%s}]}",
            "{\"notify_profiles\":[{\"id\":\"p\",\"config\":{\"user_key\":%s,\"api_token\":%<s,\"other\":%<s}}]}",
            "{\"runners\":%s}",
            "{\"runners\":[%s]}",
            "{\"runners\":[{\"id\":%s,\"name\":%<s,\"command\":%<s,\"logging_enabled\":%<s,\"schedule\":%<s,\"max_runs\":%<s,"
                    + "\"alert_cooldown_s\":%<s,\"alert_escalation_s\":%<s,\"failure_pause_threshold\":%<s,\"cases\":%<s,"
                    + "\"notify_profile_ids\":%<s,\"notify_profile_updates_only\":%<s,\"unknown\":%<s}]}",
            "{\"runners\":[{\"id\":\"r\",\"schedule\":{\"hours\":%s,\"minutes\":%<s,\"seconds\":%<s}}]}",
            "{\"runners\":[{\"id\":\"r\",\"cases\":[%s]}]}",
            "{\"runners\":[{\"id\":\"r\",\"cases\":[{\"id\":%s,\"pattern\":%<s,\"message_template\":%<s,\"state\":%<s}]}]}",
            "{\"runners\":[{\"id\":\"r\"}],\"runner_groups\":%s}",
            "{\"runners\":[{\"id\":\"r\"}],\"runner_groups\":[%s]}",
            "{\"runners\":[{\"id\":\"r\"}],\"runner_groups\":[{\"id\":%s,\"name\":%<s,\"runner_ids\":%<s,\"disabled_runner_ids\":%<s}]}",
            "{\"runners\":[{\"id\":\"r\"}],\"runner_layout\":%s}",
            "{\"runners\":[{\"id\":\"r\"}],\"runner_layout\":[%s]}",
            "{\"runners\":[{\"id\":\"r\"}],\"runner_layout\":[{\"type\":%s,\"id\":%<s}]}",
            "{\"pushover_user_key\":%s,\"pushover_api_token\":%<s,\"runners\":[{\"notify_profile_ids\":%<s}],\"extra\":%<s}");

    static Stream<Arguments> hostileDocuments() {
        List<Arguments> all = new ArrayList<>();
        for (String place : PLACES) {
            for (String value : HOSTILE) {
                all.add(arguments(String.format(place, value)));
            }
        }
        return all.stream();
    }

    @ParameterizedTest(name = "[{index}]")
    @MethodSource("hostileDocuments")
    void hostile_values_anywhere_never_throw_and_normalizing_again_changes_nothing(String document) {
        AppState once = StateNormalizer.normalize(json(document));
        ObjectNode written = StateTrees.toJson(once);
        AppState twice = StateNormalizer.normalize(written);
        assertThat(StateTrees.toJson(twice)).isEqualTo(written);
        assertThat(StateJson.read(StateJson.write(once))).isEqualTo(twice);
    }

    // --------------------------------------------------------------------------------- records in

    @Test
    void normalizing_records_applies_the_same_rules_to_programmatic_changes() {
        Runner a = Runner.builder("a").command("true").notify("ghost").build();
        Runner b = Runner.builder("b").command("true").build();
        Runner dup = Runner.builder("a").name("dup").command("true").build();
        RunnerGroup g = new RunnerGroup("g", "G", List.of("a", "ghost", "b"), List.of("b", "ghost"), Map.of());
        RunnerGroup g2 = RunnerGroup.of("g2", "G2", List.of("a"));
        AppState messy = new AppState(List.of(), List.of(a, b, dup), List.of(g, g2),
                List.of(LayoutItem.runner("a"), LayoutItem.runner("ghost")), Map.of());

        AppState s = StateNormalizer.normalize(messy);

        assertThat(s.runners().get(0).targets().profileIds()).isEmpty();
        assertThat(s.runners().get(2).id()).matches(NEW_ID.formatted("runner"));
        assertThat(s.runnerGroups().get(0).runnerIds()).containsExactly("a", "b");
        assertThat(s.runnerGroups().get(0).disabledRunnerIds()).containsExactly("b");
        assertThat(s.runnerGroups().get(1).runnerIds()).isEmpty();
        assertThat(s.runnerLayout()).containsExactly(LayoutItem.runner(s.runners().get(2).id()),
                LayoutItem.group("g"), LayoutItem.group("g2"));
    }

    @Test
    void normalizing_a_missing_state_gives_the_empty_state() {
        assertThat(StateNormalizer.normalize((AppState) null)).isEqualTo(AppState.EMPTY);
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
