package dev.mcr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcr.error.GroupNotFoundException;
import dev.mcr.error.InvalidInputException;
import dev.mcr.error.RunnerNotFoundException;
import dev.mcr.event.GroupStatus;
import dev.mcr.event.RunFinished;
import dev.mcr.model.StateJson;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The facade's saves of raw state documents, as a client sends them, alone and followed by a start. */
class McrSaveStateJsonTest extends McrTestBase {

    private static final String STATE = "{\"runners\": [{\"id\": \"r1\", \"name\": \"One\", \"command\": \"echo one\"},"
            + " {\"id\": \"r2\", \"command\": \"echo two\"}], \"runner_groups\": [{\"id\": \"g1\", \"runner_ids\":"
            + " [\"r1\", \"r2\"]}, {\"id\": \"g2\", \"runner_ids\": [\"r2\"], \"disabled_runner_ids\": [\"r2\"]}]}";

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void a_document_is_normalized_and_saved() {
        mcr.saveStateJson(utf8("{\"runners\": [{\"id\": \" r1 \", \"max_runs\": \"7\"}, 5], \"unknown\": [1]}"));
        assertThat(mcr.state().runners()).extracting(r -> r.id() + " " + r.timing().maxRuns()).containsExactly("r1 7");
        assertThat(mcr.state().extra()).containsEntry("unknown", List.of(1));
        String saved = StateJson.write(mcr.state());
        assertThatThrownBy(() -> mcr.saveStateJson(utf8("{\"runners\": [}"))).isInstanceOf(InvalidInputException.class)
                .hasMessageStartingWith("Invalid JSON: ");
        assertThat(StateJson.write(mcr.state())).isEqualTo(saved);
    }

    @Test
    void save_and_start_saves_first_then_runs_and_an_unknown_runner_saves_nothing() throws Exception {
        String before = StateJson.write(mcr.state());
        assertThatThrownBy(() -> mcr.saveStateJsonAndStart(utf8(STATE), "r9"))
                .isInstanceOf(RunnerNotFoundException.class)
                .satisfies(e -> assertThat(((RunnerNotFoundException) e).runnerId()).isEqualTo("r9"));
        assertThat(StateJson.write(mcr.state())).isEqualTo(before);

        mcr.saveStateJsonAndStart(utf8(STATE), "r1");
        assertThat(mcr.state().runner("r1").orElseThrow().name()).isEqualTo("One");
        RunFinished done = events.await(RunFinished.class, f -> f.runnerId().equals("r1"));
        assertThat(done.exitCode()).isZero();
        assertThat(logText("r1")).contains("one");
    }

    @Test
    void save_and_start_with_a_command_too_long_to_run_saves_nothing() {
        String before = StateJson.write(mcr.state());
        String huge = "{\"runners\": [{\"id\": \"r1\", \"command\": \"" + "x".repeat(300_000) + "\"}]}";
        assertThatThrownBy(() -> mcr.saveStateJsonAndStart(utf8(huge), "r1"))
                .isInstanceOf(dev.mcr.error.InvalidInputException.class)
                .hasMessageContaining("command is 300000 bytes long");
        assertThat(StateJson.write(mcr.state())).isEqualTo(before);
    }

    @Test
    void save_and_start_group_refuses_an_unknown_or_inactive_group_before_saving() throws Exception {
        String before = StateJson.write(mcr.state());
        assertThatThrownBy(() -> mcr.saveStateJsonAndStartGroup(utf8(STATE), "g9"))
                .isInstanceOf(GroupNotFoundException.class)
                .satisfies(e -> assertThat(((GroupNotFoundException) e).groupId()).isEqualTo("g9"));
        assertThatThrownBy(() -> mcr.saveStateJsonAndStartGroup(utf8(STATE), "g2"))
                .isInstanceOf(InvalidInputException.class).hasMessage("Group has no active runners");
        assertThat(StateJson.write(mcr.state())).isEqualTo(before);

        mcr.saveStateJsonAndStartGroup(utf8(STATE), "g1");
        assertThat(mcr.state().group("g1")).isPresent();
        GroupStatus fin = events.await(GroupStatus.class, g -> g.groupId().equals("g1") && g.status().equals("finished"),
                Duration.ofSeconds(20));
        assertThat(fin.completedCount()).isEqualTo(2);
    }
}
