package dev.mcr;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcr.event.RunFinished;
import dev.mcr.event.RunStarted;
import dev.mcr.model.Runner;
import dev.mcr.process.ShellProcess;
import dev.mcr.store.LiveRun;
import dev.mcr.store.sqlite.SqliteStore;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The durable record of live runs: a start is recorded at once, ends are forgotten with the next start or at close. */
class McrLiveRunRecordTest {

    @TempDir
    Path dir;

    private List<LiveRun> recorded() {
        try (SqliteStore store = SqliteStore.open(dir)) {
            return store.runtime().liveRuns();
        }
    }

    @Test
    void ended_runs_are_forgotten_by_the_next_start_and_nothing_is_left_after_close() throws Exception {
        try (Mcr mcr = Mcr.builder().dataDir(dir).seedDemo(false).shell(ShellProcess.NON_LOGIN_SHELL).build();
             EventRecorder events = new EventRecorder(mcr)) {
            Runner quick = mcr.saveRunner(Runner.builder("quick").command("true").build());
            Runner slow = mcr.saveRunner(Runner.builder("slow").command("sleep 30").build());
            java.util.Set<RunFinished> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
            for (int i = 0; i < 3; i++) {
                mcr.start(quick.id());
                events.await(RunFinished.class, e -> e.runnerId().equals(quick.id()) && seen.add(e));
            }
            mcr.start(slow.id());
            events.await(RunStarted.class, e -> e.runnerId().equals(slow.id()));
            List<LiveRun> live = recorded();
            assertThat(live).as("the three ended runs went with the start of the live one")
                    .extracting(LiveRun::runnerId).containsExactly(slow.id());
        }
        assertThat(recorded()).as("close stops the live run and writes every end").isEmpty();
    }
}
