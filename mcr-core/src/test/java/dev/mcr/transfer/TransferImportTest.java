package dev.mcr.transfer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcr.ImportLimits;
import dev.mcr.error.InvalidInputException;
import dev.mcr.error.McrException;
import dev.mcr.error.TooLargeException;
import dev.mcr.json.StateTrees;
import dev.mcr.model.AppState;
import dev.mcr.model.CaseRule;
import dev.mcr.model.LayoutItem;
import dev.mcr.model.Runner;
import dev.mcr.model.Schedule;
import dev.mcr.model.RunnerGroup;
import dev.mcr.model.StateJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class TransferImportTest {

    private static final String ID_RULE = "1 to 120 characters of A-Z, a-z, 0-9, '_' or '-'";

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static AppState current() {
        return StateJson.read("{\"notify_profiles\":[{\"id\":\"p1\"}],"
                + "\"runners\":[{\"id\":\"keep1\",\"name\":\"Existing\"},{\"id\":\"keep2\"}],"
                + "\"runner_groups\":[{\"id\":\"g0\",\"runner_ids\":[\"keep2\"]}]}");
    }

    /** The rules the facade derives from its limits. */
    private static ImportRules rules(ImportLimits limits) {
        return new ImportRules(limits.maxImportBytes(), limits.maxImportedRunners(), limits.maxTotalRunners(),
                limits.maxCasesPerRunner());
    }

    private static ImportResult importText(AppState into, String body) {
        return Transfer.importRunners(into, utf8(body), rules(ImportLimits.DEFAULTS));
    }

    /** The state the original's saved fixture describes, with its profiles (so notification targets resolve). */
    private static AppState withFixtureProfiles() {
        AppState saved = StateJson.read(TransferExportTest.fixture("original-state-saved.json"));
        return StateJson.read("{\"runners\":[{\"id\":\"keep1\"}]}").withNotifyProfiles(saved.notifyProfiles());
    }

    /** Runner JSON without runner and case ids. */
    private static JsonNode withoutIds(JsonNode runner) {
        ObjectNode o = runner.deepCopy();
        o.remove("id");
        o.get("cases").forEach(c -> ((ObjectNode) c).remove("id"));
        return o;
    }

    // ------------------------------------------------------------------------------------ errors

    static Stream<Arguments> rejected() {
        return Stream.of(
                arguments("{", "Invalid JSON: Unexpected end-of-input"),
                arguments("", "Invalid JSON: there is no content."),
                arguments("[]", "Invalid import format: missing 'runners' key"),
                arguments("{}", "Invalid import format: missing 'runners' key"),
                arguments("\"runners\"", "Invalid import format: missing 'runners' key"),
                arguments("{\"runners\":null}", "Invalid import format: 'runners' must be a list"),
                arguments("{\"runners\":{}}", "Invalid import format: 'runners' must be a list"),
                arguments("{\"runners\":\"abc\"}", "Invalid import format: 'runners' must be a list"),
                arguments("{\"runners\":[" + "{},".repeat(100) + "{}]}", "Too many runners in import (max 100)"),
                arguments("{\"runners\":[],\"runner_groups\":\"x\"}", "Invalid import format: 'runner_groups' must be a list"),
                arguments("{\"runners\":[],\"runner_layout\":5}", "Invalid import format: 'runner_layout' must be a list"),
                arguments("{\"runners\":[5]}", "Invalid runner entry at index 1: expected object"),
                arguments("{\"runners\":[{},null]}", "Invalid runner entry at index 2: expected object"),
                arguments("{\"runners\":[{},{\"id\":\"../x\"}]}", "Invalid runner entry at index 2: 'id' must be " + ID_RULE + "."),
                arguments("{\"runners\":[{\"id\":\" r1\"}]}", "Invalid runner entry at index 1: 'id' must be " + ID_RULE + "."),
                arguments("{\"runners\":[{\"id\":5}]}", "Invalid runner entry at index 1: 'id' must be " + ID_RULE + "."),
                arguments("{\"runners\":[{\"name\":5}]}", "Invalid runner entry at index 1: 'name' must be a string."),
                arguments("{\"runners\":[{\"command\":null}]}", "Invalid runner entry at index 1: 'command' must be a string."),
                arguments("{\"runners\":[{\"logging_enabled\":\"maybe\"}]}", "Invalid runner entry at index 1: 'logging_enabled' must be true or false."),
                arguments("{\"runners\":[{\"logging_enabled\":2}]}", "Invalid runner entry at index 1: 'logging_enabled' must be true or false."),
                arguments("{\"runners\":[{\"schedule\":5}]}", "Invalid runner entry at index 1: 'schedule' must be an object with hours, minutes and seconds."),
                arguments("{\"runners\":[{\"schedule\":{\"hours\":\"x\"}}]}", "Invalid runner entry at index 1: 'schedule.hours' must be a whole number."),
                arguments("{\"runners\":[{\"max_runs\":\"abc\"}]}", "Invalid runner entry at index 1: 'max_runs' must be a whole number."),
                arguments("{\"runners\":[{\"max_runs\":5.5}]}", "Invalid runner entry at index 1: 'max_runs' must be a whole number."),
                arguments("{\"runners\":[{\"max_runs\":1e309}]}", "Invalid runner entry at index 1: 'max_runs' must be a whole number."),
                arguments("{\"runners\":[{\"alert_cooldown_s\":true}]}", "Invalid runner entry at index 1: 'alert_cooldown_s' must be a whole number."),
                arguments("{\"runners\":[{\"alert_escalation_s\":[]}]}", "Invalid runner entry at index 1: 'alert_escalation_s' must be a whole number."),
                arguments("{\"runners\":[{\"failure_pause_threshold\":null}]}", "Invalid runner entry at index 1: 'failure_pause_threshold' must be a whole number."),
                arguments("{\"runners\":[{\"cases\":\"x\"}]}", "Invalid runner entry at index 1: 'cases' must be a list."),
                arguments("{\"runners\":[{\"cases\":[{},5]}]}", "Invalid runner entry at index 1: case 2: must be an object."),
                arguments("{\"runners\":[{\"cases\":[{\"id\":\"bad id\"}]}]}", "Invalid runner entry at index 1: case 1: 'id' must be " + ID_RULE + "."),
                arguments("{\"runners\":[{\"cases\":[{\"pattern\":5}]}]}", "Invalid runner entry at index 1: case 1: 'pattern' must be a string."),
                arguments("{\"runners\":[{\"cases\":[{\"state\":null}]}]}", "Invalid runner entry at index 1: case 1: 'state' must be a string."),
                arguments("{\"runners\":[{\"notify_profile_ids\":\"p1\"}]}", "Invalid runner entry at index 1: 'notify_profile_ids' must be a list."),
                arguments("{\"runners\":[{\"notify_profile_updates_only\":[\"p1\",5]}]}",
                        "Invalid runner entry at index 1: item 2 of 'notify_profile_updates_only' must be an id of " + ID_RULE + "."),
                arguments("{\"runners\":[{\"cases\":[" + "{},".repeat(200) + "{}]}]}", "Runner entry at index 1 exceeds case limit (200)"),
                arguments("{\"runners\":[],\"runner_groups\":[{},5]}", "Invalid group entry at index 2: expected object"),
                arguments("{\"runners\":[],\"runner_groups\":[{\"id\":\"g 1\"}]}", "Invalid group entry at index 1: 'id' must be " + ID_RULE + "."),
                arguments("{\"runners\":[],\"runner_groups\":[{\"name\":[]}]}", "Invalid group entry at index 1: 'name' must be a string."),
                arguments("{\"runners\":[],\"runner_groups\":[{\"runner_ids\":[\" \"]}]}",
                        "Invalid group entry at index 1: item 1 of 'runner_ids' must be an id of " + ID_RULE + "."),
                arguments("{\"runners\":[],\"runner_groups\":[{\"disabled_runner_ids\":{}}]}", "Invalid group entry at index 1: 'disabled_runner_ids' must be a list."),
                arguments("{\"runners\":[],\"runner_layout\":[\"x\"]}", "Invalid layout entry at index 1: expected object"),
                arguments("{\"runners\":[],\"runner_layout\":[{\"type\":\"folder\",\"id\":\"a\"}]}", "Invalid layout entry at index 1: 'type' must be \"runner\" or \"group\"."),
                arguments("{\"runners\":[],\"runner_layout\":[{\"type\":\"runner\",\"id\":\"a\"},{\"type\":\"runner\"}]}",
                        "Invalid layout entry at index 2: 'id' must be " + ID_RULE + "."),
                arguments("{\"runners\":[{}],\"runner_layout\":[{\"type\":5,\"id\":\"a\"}]}",
                        "Invalid layout entry at index 1: 'type' must be \"runner\" or \"group\"."));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("rejected")
    void invalid_imports_are_rejected_with_the_original_messages(String body, String message) {
        AppState before = current();
        String snapshot = StateJson.write(before);
        assertThatThrownBy(() -> importText(before, body))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageStartingWith(message);
        assertThat(StateJson.write(before)).isEqualTo(snapshot);
    }

    @Test
    void a_body_over_the_byte_limit_is_too_large_and_one_at_the_limit_is_read() {
        String body = "{\"runners\":[{}]}";
        ImportRules exact = rules(new ImportLimits(body.length(), 100, 500, 200));
        ImportRules smaller = rules(new ImportLimits(body.length() - 1, 100, 500, 200));

        assertThat(Transfer.importRunners(AppState.EMPTY, utf8(body), exact).importedCount()).isEqualTo(1);
        assertThatThrownBy(() -> Transfer.importRunners(AppState.EMPTY, utf8(body), smaller))
                .isInstanceOf(TooLargeException.class)
                .isInstanceOf(McrException.class)
                .hasMessage("Import too large (max " + (body.length() - 1) + " bytes)");
        assertThatThrownBy(() -> Transfer.importRunners(AppState.EMPTY, utf8("{" + " ".repeat(1_048_576) + "}"),
                rules(ImportLimits.DEFAULTS))).hasMessage("Import too large (max 1048576 bytes)");
    }

    @Test
    void the_import_and_case_limits_are_configurable_and_inclusive() {
        ImportRules limits = rules(new ImportLimits(1_048_576, 2, 500, 2));
        String twoRunnersTwoCases = "{\"runners\":[{\"cases\":[{},{}]},{}]}";
        assertThat(Transfer.importRunners(AppState.EMPTY, utf8(twoRunnersTwoCases), limits).importedCount()).isEqualTo(2);
        assertThatThrownBy(() -> Transfer.importRunners(AppState.EMPTY, utf8("{\"runners\":[{},{},{}]}"), limits))
                .hasMessage("Too many runners in import (max 2)");
        assertThatThrownBy(() -> Transfer.importRunners(AppState.EMPTY, utf8("{\"runners\":[{},{\"cases\":[{},{},{}]}]}"), limits))
                .hasMessage("Runner entry at index 2 exceeds case limit (2)");
    }

    @Test
    void the_total_runner_limit_counts_existing_and_imported_runners() {
        ImportRules limits = rules(new ImportLimits(1_048_576, 100, 4, 200));
        assertThat(Transfer.importRunners(current(), utf8("{\"runners\":[{},{}]}"), limits).state().runners()).hasSize(4);
        assertThatThrownBy(() -> Transfer.importRunners(current(), utf8("{\"runners\":[{},{},{}]}"), limits))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage("Import would exceed total runner limit (4)");
    }

    @Test
    void an_invalid_entry_after_valid_ones_rejects_the_whole_import() {
        assertThatThrownBy(() -> importText(current(), "{\"runners\":[{\"name\":\"ok\"},{\"name\":\"fine\"},{\"max_runs\":\"x\"}]}"))
                .hasMessageStartingWith("Invalid runner entry at index 3: ");
    }

    @Test
    void limits_below_one_are_refused() {
        assertThatThrownBy(() -> new ImportLimits(0, 1, 1, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 1");
    }

    // ----------------------------------------------------------------------------------- success

    @Test
    void an_original_export_file_is_appended_with_new_ids_and_remapped_groups_and_layout() {
        String file = TransferExportTest.fixture("original-export.json");
        JsonNode source = StateTrees.parse(file);
        AppState before = withFixtureProfiles();

        ImportResult result = importText(before, file);

        AppState after = result.state();
        assertThat(result.importedCount()).isEqualTo(5);
        assertThat(after.runners()).hasSize(6);
        assertThat(after.runners().get(0).id()).isEqualTo("keep1");
        List<Runner> imported = after.runners().subList(1, 6);

        Set<String> oldIds = new HashSet<>();
        source.get("runners").forEach(r -> oldIds.add(r.get("id").asText()));
        assertThat(imported).extracting(Runner::id).allMatch(id -> id.matches("^runner_[0-9a-f]{32}$"))
                .doesNotContainAnyElementsOf(oldIds);
        assertThat(imported).flatExtracting(Runner::cases).extracting(CaseRule::id)
                .allMatch(id -> id.matches("^case_[0-9a-f]{32}$")).doesNotHaveDuplicates();

        ArrayNode afterRunners = (ArrayNode) StateTrees.toJson(after).get("runners");
        Map<String, String> newIdOf = new HashMap<>();
        for (int i = 0; i < 5; i++) {
            assertThat(withoutIds(afterRunners.get(i + 1))).isEqualTo(withoutIds(source.get("runners").get(i)));
            newIdOf.put(source.get("runners").get(i).get("id").asText(), imported.get(i).id());
        }

        RunnerGroup group = after.runnerGroups().get(0);
        JsonNode oldGroup = source.get("runner_groups").get(0);
        assertThat(group.id()).matches("^group_[0-9a-f]{32}$").isNotEqualTo(oldGroup.get("id").asText());
        assertThat(group.name()).isEqualTo("Nightly");
        assertThat(group.runnerIds()).containsExactly(newIdOf.get(oldGroup.get("runner_ids").get(0).asText()),
                newIdOf.get(oldGroup.get("runner_ids").get(1).asText()));
        assertThat(group.disabledRunnerIds()).containsExactly(newIdOf.get(oldGroup.get("disabled_runner_ids").get(0).asText()));

        assertThat(after.runnerLayout()).containsExactly(
                LayoutItem.runner("keep1"),
                LayoutItem.group(group.id()),
                LayoutItem.runner(newIdOf.get("runner1")),
                LayoutItem.runner(newIdOf.get("runner_ping_192_168_3_1")),
                LayoutItem.runner(imported.get(4).id()));
        assertThat(after.notifyProfiles()).isEqualTo(before.notifyProfiles());
    }

    @Test
    void notification_targets_unknown_to_the_current_state_are_dropped() {
        ImportResult result = importText(current(), "{\"runners\":[{\"notify_profile_ids\":[\"p1\",\"elsewhere\"],"
                + "\"notify_profile_updates_only\":[\"elsewhere\",\"p1\"]}],\"notify_profiles\":[{\"id\":\"elsewhere\"}]}");
        Runner r = result.state().runners().get(2);
        assertThat(r.targets().profileIds()).containsExactly("p1");
        assertThat(r.targets().updatesOnly()).containsExactly("p1");
        assertThat(result.state().notifyProfiles()).extracting(p -> p.id()).containsExactly("p1");
    }

    @Test
    void a_legacy_file_without_groups_and_layout_appends_every_runner_to_the_layout() {
        ImportResult result = importText(current(), "{\"runners\":[{\"id\":\"x\",\"name\":\"X\"},{\"name\":\"Y\"}],"
                + "\"runner_groups\":null,\"runner_layout\":null}");
        List<Runner> runners = result.state().runners();
        assertThat(runners).extracting(Runner::name).containsExactly("Existing", "Runner", "X", "Y");
        assertThat(result.state().runnerLayout()).containsExactly(LayoutItem.runner("keep1"), LayoutItem.group("g0"),
                LayoutItem.runner(runners.get(2).id()), LayoutItem.runner(runners.get(3).id()));
    }

    @Test
    void imported_groups_keep_a_runner_only_in_its_first_group_and_drop_unknown_members() {
        ImportResult result = importText(AppState.EMPTY, "{\"runners\":[{\"id\":\"a\"},{\"id\":\"b\"},{\"id\":\"c\"}],"
                + "\"runner_groups\":[{\"id\":\"g1\",\"name\":\"\",\"runner_ids\":[\"a\",\"ghost\",\" a \",\"b\"],"
                + "\"disabled_runner_ids\":[\"b\",\"c\",\"b\"],\"collapsed\":true},"
                + "{\"id\":\"g2\",\"runner_ids\":[\"b\",\"c\"],\"disabled_runner_ids\":[\"c\"]}],"
                + "\"runner_layout\":[{\"type\":\"group\",\"id\":\"g2\"},{\"type\":\"runner\",\"id\":\"a\"},"
                + "{\"type\":\"runner\",\"id\":\"ghost\"},{\"type\":\"group\",\"id\":\"g2\"}]}");
        AppState s = result.state();
        String a = s.runners().get(0).id();
        String b = s.runners().get(1).id();
        String c = s.runners().get(2).id();
        RunnerGroup g1 = s.runnerGroups().get(0);
        RunnerGroup g2 = s.runnerGroups().get(1);
        assertThat(g1.name()).isEqualTo("Group");
        assertThat(g1.runnerIds()).containsExactly(a, b);
        assertThat(g1.disabledRunnerIds()).containsExactly(b);
        assertThat(g1.extra()).containsEntry("collapsed", true);
        assertThat(g2.runnerIds()).containsExactly(c);
        assertThat(g2.disabledRunnerIds()).containsExactly(c);
        assertThat(s.runnerLayout()).containsExactly(LayoutItem.group(g2.id()), LayoutItem.group(g1.id()));
    }

    @Test
    void values_the_original_accepts_are_coerced_and_unknown_runner_keys_kept() {
        ImportResult result = importText(AppState.EMPTY, "{\"runners\":[{\"max_runs\":\"500\",\"logging_enabled\":\"no\","
                + "\"schedule\":{\"seconds\":\"10\",\"minutes\":2.0},\"alert_cooldown_s\":-5,\"nice_level\":30,"
                + "\"cases\":[{\"state\":\" down \"}]}]}");
        Runner r = result.state().runners().get(0);
        assertThat(r.timing().maxRuns()).isEqualTo(100);
        assertThat(r.execution().loggingEnabled()).isFalse();
        assertThat(((Schedule.FixedDelay) r.timing().schedule()).intervalSeconds()).isEqualTo(130);
        assertThat(r.alerting().cooldown()).isZero();
        assertThat(r.cases().get(0).state().json()).isEqualTo("DOWN");
        assertThat(r.extra()).containsEntry("nice_level", 30);
    }

    @Test
    void when_an_old_runner_id_repeats_references_follow_the_last_runner_with_it() {
        ImportResult result = importText(AppState.EMPTY, "{\"runners\":[{\"id\":\"a\",\"name\":\"first\"},{\"id\":\"a\",\"name\":\"second\"}],"
                + "\"runner_groups\":[{\"id\":\"g\",\"runner_ids\":[\"a\"]}]}");
        AppState s = result.state();
        assertThat(s.runnerGroups().get(0).runnerIds()).containsExactly(s.runners().get(1).id());
        assertThat(s.runners().get(0).id()).isNotEqualTo(s.runners().get(1).id());
    }

    @Test
    void importing_the_same_file_twice_gives_two_independent_copies() {
        String file = TransferExportTest.fixture("original-export.json");
        AppState once = importText(AppState.EMPTY, file).state();
        AppState twice = importText(once, file).state();
        assertThat(twice.runners()).hasSize(10);
        assertThat(twice.runners()).extracting(Runner::id).doesNotHaveDuplicates();
        assertThat(twice.runnerGroups()).hasSize(2).extracting(RunnerGroup::id).doesNotHaveDuplicates();
        assertThat(twice.runnerLayout()).hasSize(8);
    }

    @Test
    void export_then_import_into_an_empty_state_reproduces_runners_groups_and_layout() {
        AppState saved = StateJson.read(TransferExportTest.fixture("original-state-saved.json"));
        byte[] file = utf8(StateTrees.writeIndented(Transfer.export(saved, Instant.EPOCH, ZoneOffset.UTC)));

        AppState restored = Transfer.importRunners(AppState.EMPTY.withNotifyProfiles(saved.notifyProfiles()), file,
                rules(ImportLimits.DEFAULTS)).state();

        Map<String, String> oldOf = new HashMap<>();
        for (int i = 0; i < saved.runners().size(); i++) {
            oldOf.put(restored.runners().get(i).id(), saved.runners().get(i).id());
        }
        ArrayNode savedRunners = (ArrayNode) StateTrees.toJson(saved).get("runners");
        ArrayNode restoredRunners = (ArrayNode) StateTrees.toJson(restored).get("runners");
        for (int i = 0; i < savedRunners.size(); i++) {
            assertThat(withoutIds(restoredRunners.get(i))).isEqualTo(withoutIds(savedRunners.get(i)));
        }
        assertThat(restored.runnerGroups().get(0).runnerIds().stream().map(oldOf::get).collect(Collectors.toList()))
                .isEqualTo(saved.runnerGroups().get(0).runnerIds());
        assertThat(restored.runnerLayout()).extracting(i -> i.type() == LayoutItem.Type.RUNNER ? oldOf.get(i.id()) : "group")
                .containsExactlyElementsOf(saved.runnerLayout().stream()
                        .map(i -> i.type() == LayoutItem.Type.RUNNER ? i.id() : "group").toList());
    }
}
