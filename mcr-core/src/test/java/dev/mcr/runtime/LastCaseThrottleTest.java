package dev.mcr.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcr.bus.EventBus;
import dev.mcr.event.RunFinished;
import dev.mcr.event.Subscription;
import dev.mcr.files.RunLogs;
import dev.mcr.model.AppState;
import dev.mcr.model.CaseState;
import dev.mcr.model.Runner;
import dev.mcr.process.ShellProcess;
import dev.mcr.store.LastCase;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** last_case writes are throttled during a run and forced at its end. */
class LastCaseThrottleTest {

    /** A store that records every write (a stand-in for SQLite, not a mock of the behaviour under test). */
    static final class RecordingStore implements LastCaseStore {
        final List<Map<String, LastCase>> writes = new ArrayList<>();

        @Override
        public synchronized Map<String, LastCase> load() {
            return Map.of();
        }

        @Override
        public synchronized void save(Map<String, LastCase> all) {
            writes.add(Map.copyOf(all));
        }

        synchronized List<Map<String, LastCase>> writes() {
            return List.copyOf(writes);
        }
    }

    @Test
    void hundreds_of_matches_in_one_run_cause_only_a_few_writes_and_the_last_one_is_final(@TempDir Path dir)
            throws Exception {
        RecordingStore store = new RecordingStore();
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        try (EventBus bus = new EventBus(4, 10_000);
             RunnerEngine engine = new RunnerEngine(
                     new EngineSettings(Clock.systemDefaultZone(), ShellProcess.NON_LOGIN_SHELL, 5000,
                             Duration.ofSeconds(5)),
                     bus, scheduler, new RunLogs(dir), (r, p, t, m) -> { }, store)) {
            Runner r = Runner.builder("counter").command("for i in $(seq 1 500); do echo hit $i; done")
                    .onMatch("hit (\\d+)", CaseState.INFO, "hit {g1}").build();
            engine.refresh(AppState.EMPTY.withRunners(List.of(r)));
            Subscription sub = bus.open();
            engine.start("counter", false);
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            boolean finished = false;
            while (!finished && System.nanoTime() < deadline) {
                finished = sub.poll(Duration.ofMillis(100)) instanceof RunFinished;
            }
            assertThat(finished).isTrue();
            List<Map<String, LastCase>> writes = store.writes();
            // one immediate write for the first match, one forced at the end of the run
            assertThat(writes.size()).isBetween(2, 3);
            assertThat(writes.get(writes.size() - 1).get("counter").message()).isEqualTo("hit 500");
        } finally {
            scheduler.shutdownNow();
        }
    }
}
