package dev.mcr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcr.error.LimitExceededException;
import dev.mcr.json.StateTrees;
import dev.mcr.model.AppState;
import dev.mcr.model.CaseState;
import dev.mcr.model.LayoutItem;
import dev.mcr.model.NotifyProfile;
import dev.mcr.model.Runner;
import dev.mcr.model.RunnerGroup;
import dev.mcr.model.StateJson;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every path that stores the state enforces the runner, case, group, profile and layout limits, refuses with a
 * sentence and changes nothing, and never locks out a folder that already holds more than the limits allow.
 */
class McrSaveLimitsTest {

    /** At most 3 runners (so 3 groups, 3 profiles, 6 layout items) and 2 cases per runner. */
    private static final ImportLimits SMALL = new ImportLimits(1_048_576, 2, 3, 2);
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    @TempDir
    Path dir;
    private final List<Mcr> opened = new ArrayList<>();

    @AfterEach
    void closeAll() {
        opened.forEach(Mcr::close);
    }

    /** A state document as a client sends it. */
    private static byte[] utf8(JsonNode doc) {
        return StateTrees.write(doc).getBytes(StandardCharsets.UTF_8);
    }

    private Mcr open(ImportLimits limits) {
        Mcr mcr = Mcr.builder().dataDir(dir).seedDemo(false).importLimits(limits).build();
        opened.add(mcr);
        return mcr;
    }

    private static Runner runner(String id, int cases) {
        Runner.Builder b = Runner.builder(id).command("true");
        for (int i = 0; i < cases; i++) {
            b.onMatch("p" + i, CaseState.INFO, "m" + i);
        }
        return b.build();
    }

    /**
     * Asserts the change is refused with a message matching the regex, and that neither memory nor the database
     * changed; returns an instance opened anew on the folder.
     */
    private Mcr assertRefusedMatching(Mcr mcr, Consumer<Mcr> change, String regex) {
        AppState before = mcr.state();
        assertThatThrownBy(() -> change.accept(mcr)).isInstanceOf(LimitExceededException.class)
                .hasMessageMatching(regex);
        assertThat(mcr.state()).isEqualTo(before);
        mcr.close();
        opened.remove(mcr);
        Mcr again = open(SMALL);
        assertThat(again.state()).as("the stored state").isEqualTo(before);
        return again;
    }

    private Mcr assertRefused(Mcr mcr, Consumer<Mcr> change, String message) {
        return assertRefusedMatching(mcr, change, java.util.regex.Pattern.quote(message));
    }

    private Mcr withRunners(int count) {
        Mcr mcr = open(SMALL);
        for (int i = 1; i <= count; i++) {
            mcr.saveRunner(runner("r" + i, 0));
        }
        return mcr;
    }

    @Test
    void a_runner_beyond_max_total_runners_is_refused_on_every_path() {
        Mcr mcr = withRunners(3);
        String message = "The state has 4 runners; at most 3 are allowed (MAX_TOTAL_RUNNERS).";
        mcr = assertRefused(mcr, m -> m.saveRunner(runner("r4", 0)), message);
        List<Runner> four = new ArrayList<>(mcr.state().runners());
        four.add(runner("r4", 0));
        mcr = assertRefused(mcr, m -> m.saveState(m.state().withRunners(four)), message);
        ObjectNode json = StateTrees.toJson(mcr.state().withRunners(four));
        mcr = assertRefused(mcr, m -> m.saveStateJson(utf8(json)), message);
        mcr = assertRefused(mcr, m -> m.cloneRunner("r2"), message);
        assertThat(mcr.state().runners()).extracting(Runner::name).noneMatch(n -> n.contains("(copy)"));
    }

    @Test
    void a_clone_fits_up_to_the_limit_and_not_beyond() {
        Mcr mcr = withRunners(2);
        assertThat(mcr.cloneRunner("r1").clonedName()).isEqualTo("r1 (copy)");
        assertThat(mcr.state().runners()).hasSize(3);
        assertRefused(mcr, m -> m.cloneRunner("r1"),
                "The state has 4 runners; at most 3 are allowed (MAX_TOTAL_RUNNERS).");
    }

    @Test
    void a_raw_state_with_a_million_runners_is_refused_by_its_size_before_anything_is_normalized() {
        Mcr mcr = withRunners(1);
        ObjectNode raw = NODES.objectNode();
        ArrayNode runners = raw.putArray("runners");
        ObjectNode empty = NODES.objectNode();
        for (int i = 0; i < 1_000_000; i++) {
            runners.add(empty);
        }
        mcr = assertRefused(mcr, m -> m.saveStateJson(utf8(raw)), "The state has 1000000 runners; at most 3 are allowed "
                + "(MAX_TOTAL_RUNNERS).");
        // Entries that normalizing would drop still count: the raw size decides.
        ObjectNode junk = NODES.objectNode();
        junk.putArray("runners").add(empty).add(1).add("x").add(NODES.nullNode());
        Mcr last = mcr;
        assertThatThrownBy(() -> last.saveStateJson(utf8(junk))).isInstanceOf(LimitExceededException.class)
                .hasMessage("The state has 4 runners; at most 3 are allowed (MAX_TOTAL_RUNNERS).");
    }

    @Test
    void a_runner_with_more_cases_than_allowed_is_refused() {
        Mcr mcr = withRunners(1);
        mcr = assertRefused(mcr, m -> m.saveRunner(runner("r1", 3)),
                "Runner r1 has 3 cases; at most 2 are allowed (MAX_CASES_PER_RUNNER).");
        ObjectNode raw = StateTrees.toJson(mcr.state().withRunners(List.of(runner("r9", 10_000))));
        mcr = assertRefused(mcr, m -> m.saveStateJson(utf8(raw)),
                "Runner r9 has 10000 cases; at most 2 are allowed (MAX_CASES_PER_RUNNER).");
        ((ObjectNode) raw.get("runners").get(0)).remove("id");
        mcr = assertRefused(mcr, m -> m.saveStateJson(utf8(raw)),
                "The runner at position 1 has 10000 cases; at most 2 are allowed (MAX_CASES_PER_RUNNER).");
        mcr.saveRunner(runner("r1", 2));
        assertThat(mcr.state().runner("r1").orElseThrow().cases()).hasSize(2);
    }

    @Test
    void groups_profiles_and_layout_items_beyond_their_limits_are_refused() {
        Mcr mcr = withRunners(3);
        for (int i = 1; i <= 3; i++) {
            mcr.saveGroup(RunnerGroup.builder("g" + i).runners("r" + i).build());
            mcr.saveProfile(NotifyProfile.pushover("p" + i, "P" + i, "", ""));
        }
        mcr = assertRefused(mcr, m -> m.saveGroup(RunnerGroup.of("g4", "G4", List.of())),
                "The state has 4 groups; at most 3 are allowed (MAX_TOTAL_RUNNERS).");
        mcr = assertRefused(mcr, m -> m.saveProfile(NotifyProfile.pushover("p4", "P4", "", "")),
                "The state has 4 notification profiles; at most 3 are allowed (MAX_TOTAL_RUNNERS).");
        ObjectNode raw = StateTrees.toJson(mcr.state());
        ArrayNode layout = raw.putArray("runner_layout");
        for (int i = 0; i < 7; i++) {
            layout.addObject().put("type", "group").put("id", "g1");
        }
        mcr = assertRefused(mcr, m -> m.saveStateJson(utf8(raw)),
                "The state has 7 layout items; at most 6 are allowed (twice MAX_TOTAL_RUNNERS).");
        List<LayoutItem> seven = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            seven.add(LayoutItem.runner("r1"));
        }
        assertRefused(mcr, m -> m.saveState(m.state().withGroupsAndLayout(m.state().runnerGroups(), seven)),
                "The state has 7 layout items; at most 6 are allowed (twice MAX_TOTAL_RUNNERS).");
    }

    @Test
    void an_import_whose_groups_would_exceed_the_limit_is_refused_and_changes_nothing() {
        Mcr mcr = withRunners(1);
        mcr.saveGroup(RunnerGroup.builder("g1").runners("r1").build());
        mcr.saveGroup(RunnerGroup.of("g2", "G2", List.of()));
        String file = "{\"runners\": [{\"id\": \"a\", \"command\": \"true\"}], \"runner_groups\": ["
                + "{\"id\": \"x\", \"runner_ids\": [\"a\"]}, {\"id\": \"y\", \"runner_ids\": []}]}";
        assertRefused(mcr, m -> m.importRunners(file.getBytes(StandardCharsets.UTF_8)),
                "The state has 4 groups; at most 3 are allowed (MAX_TOTAL_RUNNERS).");
    }

    @Test
    void a_folder_that_already_holds_more_can_be_saved_with_as_many_but_not_more() throws Exception {
        try (Mcr big = Mcr.builder().dataDir(dir).seedDemo(false).build()) {
            for (int i = 1; i <= 5; i++) {
                big.saveRunner(runner("r" + i, 4));
            }
        }
        Mcr mcr = open(SMALL);
        assertThat(mcr.state().runners()).hasSize(5);

        // As many as are stored: accepted on every path.
        mcr.saveState(mcr.state());
        mcr.saveStateJson(utf8(StateTrees.toJson(mcr.state())));
        mcr.saveRunner(mcr.state().runner("r1").orElseThrow().withName("renamed, still 4 cases"));
        assertThat(mcr.state().runner("r1").orElseThrow().name()).isEqualTo("renamed, still 4 cases");

        // One more: refused, and the sentence says why the stored count was fine.
        mcr = assertRefused(mcr, m -> m.saveRunner(runner("r6", 0)), "The state has 6 runners; at most 3 are "
                + "allowed (MAX_TOTAL_RUNNERS), or as many as are stored now (5).");
        Runner fiveCases = runner("r1", 5);
        mcr = assertRefused(mcr, m -> m.saveRunner(fiveCases), "Runner r1 has 5 cases; at most 2 are allowed "
                + "(MAX_CASES_PER_RUNNER), or as many as it has now (4).");

        // Fewer is accepted, and then the lower count is the one a save may not exceed.
        assertThat(mcr.removeRunner("r5")).isTrue();
        assertThat(mcr.removeRunner("r4")).isTrue();
        assertThat(mcr.removeRunner("r3")).isTrue();
        // A clone is a new runner: the 4 cases its source may keep are too many for it.
        mcr = assertRefusedMatching(mcr, m -> m.cloneRunner("r1"), "Runner runner_[0-9a-f]{32} has 4 cases; at "
                + "most 2 are allowed \\(MAX_CASES_PER_RUNNER\\)\\.");
        mcr.saveRunner(runner("r3", 0));
        assertRefused(mcr, m -> m.saveRunner(runner("r4", 0)),
                "The state has 4 runners; at most 3 are allowed (MAX_TOTAL_RUNNERS).");
    }

    @Test
    void save_limits_check_a_raw_document_without_a_facade() {
        SaveLimits limits = SaveLimits.of(SMALL, 5000);
        assertThat(limits).isEqualTo(new SaveLimits(3, 2, 5000));
        JsonNode four = StateTrees.parse("{\"notify_profiles\": [{}, {}, {}, {}]}".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> limits.checkRaw(four, AppState.EMPTY)).isInstanceOf(LimitExceededException.class)
                .hasMessage("The state has 4 notification profiles; at most 3 are allowed (MAX_TOTAL_RUNNERS).")
                .satisfies(e -> {
                    LimitExceededException l = (LimitExceededException) e;
                    assertThat(l.limitName()).isEqualTo("MAX_TOTAL_RUNNERS");
                    assertThat(l.count()).isEqualTo(4);
                    assertThat(l.allowed()).isEqualTo(3);
                });
        limits.checkRaw(StateTrees.parse("[1, 2, 3, 4, 5]".getBytes(StandardCharsets.UTF_8)), AppState.EMPTY);
        limits.checkRaw(StateTrees.parse("{\"runners\": \"not a list\"}".getBytes(StandardCharsets.UTF_8)),
                AppState.EMPTY);
        assertThatThrownBy(() -> new SaveLimits(0, 1, 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void a_state_that_would_grow_beyond_max_state_bytes_is_refused_on_every_path_but_a_larger_one_stays_savable() {
        ImportLimits roomy = new ImportLimits(1_048_576, 100, 500, 200);
        Mcr mcr = Mcr.builder().dataDir(dir).seedDemo(false).importLimits(roomy).maxStateBytes(4000).build();
        opened.add(mcr);
        String big = "x".repeat(2200);
        mcr.saveRunner(Runner.builder("r1").command(big).build());
        AppState before = mcr.state();
        assertThatThrownBy(() -> mcr.cloneRunner("r1")).isInstanceOf(LimitExceededException.class)
                .hasMessageMatching("The state would be \\d+ bytes of JSON; at most 4000 are allowed "
                        + "\\(MAX_STATE_BYTES\\), so that a client can still send it back\\.");
        assertThatThrownBy(() -> mcr.saveRunner(Runner.builder("r2").command(big + big).build()))
                .isInstanceOf(LimitExceededException.class).hasMessageContaining("MAX_STATE_BYTES");
        String export = "{\"runners\": [{\"name\": \"i\", \"command\": \"" + big + big + "\"}]}";
        assertThatThrownBy(() -> mcr.importRunners(export.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(LimitExceededException.class);
        assertThat(mcr.state()).isEqualTo(before);
        mcr.close();
        opened.remove(mcr);

        // Opened with a lower limit than its state already has: the same size can be saved, a larger one not.
        Mcr lower = Mcr.builder().dataDir(dir).seedDemo(false).importLimits(roomy).maxStateBytes(1000).build();
        opened.add(lower);
        lower.saveRunner(lower.state().runner("r1").orElseThrow().withName("ab"));
        assertThat(lower.state().runner("r1").orElseThrow().name()).isEqualTo("ab");
        assertThatThrownBy(() -> lower.saveRunner(Runner.builder("r2").command("true").build()))
                .isInstanceOf(LimitExceededException.class);
    }
}
