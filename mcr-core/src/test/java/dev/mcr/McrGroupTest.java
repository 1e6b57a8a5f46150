package dev.mcr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcr.error.GroupBusyException;
import dev.mcr.error.GroupNotFoundException;
import dev.mcr.error.InvalidInputException;
import dev.mcr.event.GroupStatus;
import dev.mcr.event.RunFinished;
import dev.mcr.event.RunStarted;
import dev.mcr.model.AppState;
import dev.mcr.model.CaseState;
import dev.mcr.model.Ids;
import dev.mcr.model.Runner;
import dev.mcr.model.RunnerGroup;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class McrGroupTest extends McrTestBase {

    private String runner(String name, String command) {
        return mcr.saveRunner(Runner.builder(Ids.newId("runner")).name(name).command(command).build()).id();
    }

    private String group(List<String> members, List<String> disabled) {
        String gid = Ids.newId("group");
        AppState s = mcr.state();
        List<RunnerGroup> groups = new ArrayList<>(s.runnerGroups());
        groups.add(new RunnerGroup(gid, "Pipeline", members, disabled, Map.of()));
        mcr.saveState(s.withGroupsAndLayout(groups, s.runnerLayout()));
        return gid;
    }

    private GroupStatus awaitGroup(String gid, String status) throws InterruptedException {
        return events.await(GroupStatus.class, g -> g.groupId().equals(gid) && g.status().equals(status),
                Duration.ofSeconds(20));
    }

    @Test
    void a_group_runs_its_members_in_order_as_one_shot_runs_and_finishes() throws Exception {
        String a = runner("A", "echo a");
        String b = mcr.saveRunner(Runner.builder(Ids.newId("runner")).name("B").command("echo b")
                .every(Duration.ofSeconds(1)).unlimitedRuns().build()).id();
        String c = runner("C", "echo c");
        String gid = group(List.of(a, b, c), List.of());
        mcr.startGroup(gid);
        GroupStatus fin = awaitGroup(gid, "finished");
        assertThat(fin.completedCount()).isEqualTo(3);
        assertThat(fin.totalCount()).isEqualTo(3);
        assertThat(fin.finishedTs()).isNotNull();
        assertThat(events.all(RunStarted.class)).extracting(RunStarted::runnerId).containsExactly(a, b, c);
        // the member with its own 1 s schedule ran once and is not scheduled
        assertThat(mcr.status().get(b).scheduled()).isFalse();
        List<String> statuses = events.all(GroupStatus.class).stream().map(GroupStatus::status).toList();
        assertThat(statuses).startsWith("started", "running").endsWith("finished");
        assertThat(mcr.groupSnapshot().get(gid).status()).isEqualTo("finished");
    }

    @Test
    void a_group_stops_at_a_failing_member() throws Exception {
        String a = runner("A", "echo a");
        String bad = runner("Bad", "exit 7");
        String never = runner("Never", "echo never");
        String gid = group(List.of(a, bad, never), List.of());
        mcr.startGroup(gid);
        GroupStatus err = awaitGroup(gid, "error");
        assertThat(err.error()).isEqualTo("Runner " + bad + " failed (exit=7)");
        assertThat(err.currentRunnerId()).isEqualTo(bad);
        assertThat(err.currentIndex()).isEqualTo(2);
        assertThat(events.all(RunStarted.class)).extracting(RunStarted::runnerId).doesNotContain(never);
    }

    @Test
    void a_stop_case_ends_the_group_sequence() throws Exception {
        String a = mcr.saveRunner(Runner.builder(Ids.newId("runner")).name("Gate")
                .command("echo 'ABORT now'; sleep 30").onMatch("ABORT", CaseState.STOP, "aborted").build()).id();
        String never = runner("Never", "echo never");
        String gid = group(List.of(a, never), List.of());
        mcr.startGroup(gid);
        GroupStatus stopped = awaitGroup(gid, "stopped");
        assertThat(stopped.currentRunnerId()).isEqualTo(a);
        assertThat(events.await(RunFinished.class, f -> f.runnerId().equals(a)).stopped()).isTrue();
        assertThat(events.all(RunStarted.class)).extracting(RunStarted::runnerId).doesNotContain(never);
        assertThat(events.all(GroupStatus.class)).extracting(GroupStatus::status).contains("stopping");
    }

    @Test
    void disabled_members_are_skipped_and_an_all_disabled_group_is_rejected() throws Exception {
        String a = runner("A", "echo a");
        String b = runner("B", "echo b");
        String gid = group(List.of(a, b), List.of(a));
        mcr.startGroup(gid);
        GroupStatus fin = awaitGroup(gid, "finished");
        assertThat(fin.runnerIds()).containsExactly(b);
        String gid2 = group(List.of(), List.of());
        assertThatThrownBy(() -> mcr.startGroup(gid2)).isInstanceOf(InvalidInputException.class)
                .hasMessage("Group has no active runners");
        assertThatThrownBy(() -> mcr.startGroup("group_missing")).isInstanceOf(GroupNotFoundException.class)
                .hasMessage("There is no group with the id 'group_missing'.")
                .satisfies(e -> assertThat(((GroupNotFoundException) e).groupId()).isEqualTo("group_missing"));
    }

    @Test
    void a_group_with_a_busy_member_or_already_running_is_refused() throws Exception {
        String a = runner("A", "sleep 30");
        String b = runner("B", "echo b");
        String gid = group(List.of(a, b), List.of());
        mcr.start(a);
        assertThatThrownBy(() -> mcr.startGroup(gid)).isInstanceOf(GroupBusyException.class)
                .hasMessage("Group '" + gid + "' cannot start while its runners " + a
                        + " are running or scheduled; stop them first.")
                .satisfies(e -> assertThat(((GroupBusyException) e).busyRunnerIds()).containsExactly(a))
                .satisfies(e -> assertThat(((GroupBusyException) e).groupId()).isEqualTo(gid));
        mcr.stop(a);
        events.await(RunFinished.class, f -> f.runnerId().equals(a));
        mcr.startGroup(gid);
        assertThatThrownBy(() -> mcr.startGroup(gid)).isInstanceOf(GroupBusyException.class)
                .hasMessage("Group '" + gid + "' is already running its sequence; stop it or wait until it finishes.")
                .satisfies(e -> assertThat(((GroupBusyException) e).sequenceRunning()).isTrue());
        mcr.stopGroup(gid);
        GroupStatus st = awaitGroup(gid, "stopped");
        assertThat(st.completedCount()).isZero();
    }

    @Test
    void stopping_an_idle_group_stops_its_members_and_reports_stopped() throws Exception {
        String a = runner("A", "echo a");
        String gid = group(List.of(a), List.of());
        mcr.stopGroup(gid);
        GroupStatus st = awaitGroup(gid, "stopped");
        assertThat(st.runnerIds()).containsExactly(a);
        assertThatThrownBy(() -> mcr.stopGroup("group_unknown")).isInstanceOf(GroupNotFoundException.class);
    }
}
