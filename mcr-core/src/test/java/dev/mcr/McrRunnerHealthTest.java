package dev.mcr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcr.error.InvalidInputException;
import dev.mcr.event.OutputLine;
import dev.mcr.event.RunFinished;
import dev.mcr.model.CaseState;
import dev.mcr.model.Ids;
import dev.mcr.model.Runner;
import java.time.ZoneOffset;
import java.util.Collections;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What a client needs to show a runner's health, in its status: the state of the last case, the worst state of the
 * current (or last) run, and whether the last run was stopped by someone; and the runner's tags. Real processes.
 */
class McrRunnerHealthTest extends McrTestBase {

    private Runner save(Runner.Builder b) {
        return mcr.saveRunner(b.build());
    }

    private void runToEnd(Runner r) throws InterruptedException {
        long before = finishes(r);
        mcr.start(r.id());
        events.await(RunFinished.class, e -> e.runnerId().equals(r.id()) && finishes(r) > before);
    }

    private long finishes(Runner r) {
        try {
            return events.all(RunFinished.class).stream().filter(e -> e.runnerId().equals(r.id())).count();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void a_warn_stays_the_worst_state_of_the_run_when_a_later_line_says_up() throws Exception {
        Runner r = save(Runner.builder(Ids.newId("runner")).command("echo disk 95; echo disk ok")
                .onMatch("disk 9\\d", CaseState.WARN, "Disk {match}").onMatch("disk ok", CaseState.UP, "Disk fine"));
        runToEnd(r);
        RunnerStatus s = mcr.status().get(r.id());
        assertThat(s.lastCase()).isEqualTo("Disk fine");
        assertThat(s.lastState()).isEqualTo(CaseState.UP);
        assertThat(s.worstState()).isEqualTo(CaseState.WARN);
        Map<String, Object> json = s.toJson(ZoneOffset.UTC);
        assertThat(json).containsEntry("last_state", "UP").containsEntry("worst_state", "WARN")
                .doesNotContainKey("last_stopped");
        assertThat(json.keySet()).as("the new keys come after the original's")
                .endsWith("last_finish_ts", "last_state", "worst_state", "last_outcome");
    }

    @Test
    void the_worst_state_starts_over_with_each_run() throws Exception {
        Runner r = save(Runner.builder(Ids.newId("runner")).command("test -e \"$HEALTH_FLAG\" && echo fine || echo bad")
                .env("HEALTH_FLAG", dir.resolve("flag").toString())
                .onMatch("bad", CaseState.DOWN, "bad").onMatch("fine", CaseState.UP, "fine"));
        runToEnd(r);
        assertThat(mcr.status().get(r.id()).worstState()).isEqualTo(CaseState.DOWN);
        java.nio.file.Files.createFile(dir.resolve("flag"));
        runToEnd(r);
        assertThat(mcr.status().get(r.id()).worstState()).isEqualTo(CaseState.UP);
    }

    @Test
    void a_run_stopped_by_the_user_is_marked_as_stopped_and_a_failure_is_not() throws Exception {
        Runner r = save(Runner.builder(Ids.newId("runner")).command("echo go; sleep 30"));
        mcr.start(r.id());
        events.await(OutputLine.class, e -> e.runnerId().equals(r.id()));
        mcr.stop(r.id());
        events.await(RunFinished.class, e -> e.runnerId().equals(r.id()));
        RunnerStatus s = mcr.status().get(r.id());
        assertThat(s.lastExitCode()).isNotZero();
        assertThat(s.lastRunStopped()).isTrue();
        assertThat(s.toJson(ZoneOffset.UTC)).containsEntry("last_stopped", true).containsEntry("last_outcome", "stopped");

        Runner failing = save(Runner.builder(Ids.newId("runner")).command("exit 3"));
        runToEnd(failing);
        assertThat(mcr.status().get(failing.id()).lastRunStopped()).isFalse();
        assertThat(mcr.status().get(failing.id()).lastOutcome()).isEqualTo("failure");
        assertThat(mcr.status().get(failing.id()).toJson(ZoneOffset.UTC)).doesNotContainKeys("last_stopped",
                "last_state", "worst_state").containsEntry("last_outcome", "failure");
    }

    @Test
    void after_a_restart_the_health_of_the_last_run_comes_from_its_record() throws Exception {
        Runner failing = save(Runner.builder(Ids.newId("runner")).command("exit 4"));
        runToEnd(failing);
        Runner r = save(Runner.builder(Ids.newId("runner")).command("echo DOWN now; echo UP again")
                .onMatch("DOWN", CaseState.DOWN, "down").onMatch("UP", CaseState.UP, "up"));
        runToEnd(r);
        Runner stopped = save(Runner.builder(Ids.newId("runner")).command("echo go; sleep 30"));
        mcr.start(stopped.id());
        events.await(OutputLine.class, e -> e.runnerId().equals(stopped.id()));
        mcr.stop(stopped.id());
        events.await(RunFinished.class, e -> e.runnerId().equals(stopped.id()));
        mcr.runs(dev.mcr.store.RunQuery.newest(10));
        events.close();
        mcr.close();
        mcr = Mcr.builder().dataDir(dir).seedDemo(false).build();
        events = new EventRecorder(mcr);
        RunnerStatus s = mcr.status().get(r.id());
        assertThat(s.worstState()).isEqualTo(CaseState.DOWN);
        assertThat(s.lastState()).isEqualTo(CaseState.UP);
        assertThat(mcr.status().get(stopped.id()).lastRunStopped()).isTrue();
        assertThat(mcr.status().get(stopped.id()).lastOutcome()).isEqualTo("stopped");
        RunnerStatus failed = mcr.status().get(failing.id());
        assertThat(failed.lastExitCode()).as("the original's key stays as the original has it").isNull();
        assertThat(failed.lastOutcome()).as("the failure is still known").isEqualTo("failure");
        assertThat(s.lastOutcome()).isEqualTo("success");
    }

    @Test
    void tags_are_trimmed_and_distinct_and_kept_in_the_state() {
        Runner r = save(Runner.builder("tagged").command("true").tags(" db ", "db", "", "nightly"));
        assertThat(r.tags()).containsExactly("db", "nightly");
        String json = mcr.clientStateJson();
        assertThat(json).contains("\"notify_profile_updates_only\":[],\"tags\":[\"db\",\"nightly\"]");
    }

    @Test
    void too_many_or_too_long_tags_are_refused_with_a_sentence_and_nothing_is_saved() {
        String[] many = new String[Runner.MAX_TAGS + 1];
        for (int i = 0; i < many.length; i++) {
            many[i] = "t" + i;
        }
        assertThatThrownBy(() -> save(Runner.builder("many").command("true").tags(many)))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage("Runner 'many' (many), tags: at most 20 tags are allowed, not 21.");
        String long41 = String.join("", Collections.nCopies(41, "x"));
        assertThatThrownBy(() -> save(Runner.builder("long").command("true").tags(long41)))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("tags: a tag may have at most 40 characters");
        assertThat(mcr.state().runners()).extracting(Runner::id).doesNotContain("many", "long");
    }
}
