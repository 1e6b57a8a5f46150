package dev.mcr.transfer;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcr.error.RunnerNotFoundException;
import dev.mcr.json.StateTrees;
import dev.mcr.model.AppState;
import dev.mcr.model.CaseRule;
import dev.mcr.model.LayoutItem;
import dev.mcr.model.Runner;
import dev.mcr.model.RunnerGroup;
import dev.mcr.model.StateJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class TransferCloneTest {

    private static final String NEW_RUNNER_ID = "^runner_[0-9a-f]{32}$";

    private static AppState state(String json) {
        return StateJson.read(json);
    }

    /** Runner JSON without its id and case ids, to compare a clone with its source. */
    private static ObjectNode withoutIds(Runner r) {
        ObjectNode o = (ObjectNode) StateTrees.toJson(new AppState(List.of(), List.of(r), List.of(), List.of(), null))
                .get("runners").get(0);
        o.remove(List.of("id", "name"));
        o.get("cases").forEach(c -> ((ObjectNode) c).remove("id"));
        return o;
    }

    private static final String SAMPLE = "{"
            + "\"notify_profiles\":[{\"id\":\"p1\",\"name\":\"Phone\"}],"
            + "\"runners\":["
            + " {\"id\":\"a\",\"name\":\"Backup\",\"command\":\"rsync -a /a /b\",\"logging_enabled\":false,"
            + "  \"schedule\":{\"hours\":1,\"minutes\":2,\"seconds\":3},\"max_runs\":-1,\"alert_cooldown_s\":60,"
            + "  \"alert_escalation_s\":0,\"failure_pause_threshold\":2,\"nice_level\":30,"
            + "  \"cases\":[{\"id\":\"c1\",\"pattern\":\"(?P<n>\\\\d+) files\",\"message_template\":\"{n} copied\",\"state\":\"UP\"},"
            + "           {\"id\":\"c2\",\"pattern\":\"\",\"message_template\":\"\",\"state\":\"\"}],"
            + "  \"notify_profile_ids\":[\"p1\"],\"notify_profile_updates_only\":[\"p1\"]},"
            + " {\"id\":\"b\",\"name\":\"Other\"},"
            + " {\"id\":\"m1\",\"name\":\"Member one\"},"
            + " {\"id\":\"m2\",\"name\":\"Member two\"},"
            + " {\"id\":\"m3\",\"name\":\"Member three\"}],"
            + "\"runner_groups\":[{\"id\":\"g\",\"name\":\"G\",\"runner_ids\":[\"m1\",\"m2\",\"m3\"],\"disabled_runner_ids\":[\"m2\"]}],"
            + "\"runner_layout\":[{\"type\":\"runner\",\"id\":\"a\"},{\"type\":\"group\",\"id\":\"g\"},{\"type\":\"runner\",\"id\":\"b\"}]}";

    @Test
    void a_clone_is_a_deep_copy_with_new_runner_and_case_ids() {
        AppState before = state(SAMPLE);
        CloneOutcome result = Transfer.cloneRunner(before, "a");

        Runner source = result.state().runner("a").orElseThrow();
        Runner clone = result.state().runner(result.clonedId()).orElseThrow();
        assertThat(result.clonedId()).matches(NEW_RUNNER_ID);
        assertThat(clone.name()).isEqualTo("Backup (copy)").isEqualTo(result.clonedName());
        assertThat(withoutIds(clone)).isEqualTo(withoutIds(source));
        assertThat(clone.extra()).containsEntry("nice_level", 30);
        assertThat(clone.cases()).extracting(CaseRule::id)
                .allMatch(id -> id.matches("^case_[0-9a-f]{32}$"))
                .doesNotContainAnyElementsOf(List.of("c1", "c2"))
                .doesNotHaveDuplicates();
        assertThat(clone.targets().profileIds()).containsExactly("p1");
        assertThat(before.runners()).hasSize(5);
    }

    @Test
    void an_ungrouped_clone_follows_its_source_in_the_runner_list_and_the_layout() {
        CloneOutcome result = Transfer.cloneRunner(state(SAMPLE), "a");
        assertThat(result.state().runners()).extracting(Runner::id)
                .containsExactly("a", result.clonedId(), "b", "m1", "m2", "m3");
        assertThat(result.state().runnerLayout()).containsExactly(LayoutItem.runner("a"),
                LayoutItem.runner(result.clonedId()), LayoutItem.group("g"), LayoutItem.runner("b"));
    }

    @Test
    void a_grouped_clone_follows_its_source_inside_the_group_and_stays_out_of_the_layout() {
        CloneOutcome result = Transfer.cloneRunner(state(SAMPLE), "m1");
        RunnerGroup g = result.state().group("g").orElseThrow();
        assertThat(g.runnerIds()).containsExactly("m1", result.clonedId(), "m2", "m3");
        assertThat(g.disabledRunnerIds()).containsExactly("m2");
        assertThat(result.state().runnerLayout()).extracting(LayoutItem::id).doesNotContain(result.clonedId());
    }

    @Test
    void the_clone_of_a_disabled_member_is_disabled_too() {
        CloneOutcome result = Transfer.cloneRunner(state(SAMPLE), "m2");
        RunnerGroup g = result.state().group("g").orElseThrow();
        assertThat(g.runnerIds()).containsExactly("m1", "m2", result.clonedId(), "m3");
        assertThat(g.disabledRunnerIds()).containsExactly("m2", result.clonedId());
    }

    static Stream<Arguments> names() {
        return Stream.of(
                arguments("Backup", List.of(), "Backup (copy)"),
                arguments("Backup", List.of("Backup (copy)"), "Backup (copy 2)"),
                arguments("Backup", List.of("backup (COPY)", "BACKUP (copy 2)"), "Backup (copy 3)"),
                arguments("  Backup  ", List.of(" Backup (copy) "), "Backup (copy 2)"),
                arguments("", List.of(), "Runner (copy)"),
                arguments("   ", List.of("Runner (copy)"), "Runner (copy 2)"),
                arguments("Straße", List.of("STRASSE (copy)"), "Straße (copy 2)"),
                arguments("Backup (copy)", List.of(), "Backup (copy) (copy)"));
    }

    @ParameterizedTest(name = "\"{0}\" with {1} -> \"{2}\"")
    @MethodSource("names")
    void clone_names_are_unique_ignoring_case(String name, List<String> others, String expected) {
        StringBuilder json = new StringBuilder("{\"runners\":[{\"id\":\"src\",\"name\":\"" + name + "\"}");
        for (int i = 0; i < others.size(); i++) {
            json.append(",{\"id\":\"o").append(i).append("\",\"name\":\"").append(others.get(i)).append("\"}");
        }
        CloneOutcome result = Transfer.cloneRunner(state(json.append("]}").toString()), "src");
        assertThat(result.clonedName()).isEqualTo(expected);
        assertThat(result.state().runner(result.clonedId()).orElseThrow().name()).isEqualTo(expected);
    }

    @Test
    void cloning_twice_gives_distinct_ids_and_numbered_names() {
        CloneOutcome first = Transfer.cloneRunner(state(SAMPLE), "a");
        CloneOutcome second = Transfer.cloneRunner(first.state(), "a");
        assertThat(second.clonedId()).isNotEqualTo(first.clonedId());
        assertThat(second.clonedName()).isEqualTo("Backup (copy 2)");
        assertThat(second.state().runners()).extracting(Runner::id)
                .containsExactly("a", second.clonedId(), first.clonedId(), "b", "m1", "m2", "m3");
    }

    @Test
    void cloning_an_unknown_runner_is_refused() {
        assertThatThrownBy(() -> Transfer.cloneRunner(state(SAMPLE), "ghost"))
                .isInstanceOf(RunnerNotFoundException.class)
                .hasMessage("There is no runner with the id 'ghost'.")
                .satisfies(e -> assertThat(((RunnerNotFoundException) e).runnerId()).isEqualTo("ghost"));
        assertThatThrownBy(() -> Transfer.cloneRunner(state(SAMPLE), null)).isInstanceOf(RunnerNotFoundException.class);
    }
}
