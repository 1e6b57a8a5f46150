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
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * "finished" is published only once the run's last case is stored, so a crash right after a client saw a run
 * finish cannot lose its {@code last_case}.
 */
class LastCaseBeforeFinishedTest {

    /** A store on a slow disk: every write takes a while. */
    static final class SlowStore implements LastCaseStore {
        final List<Map<String, LastCase>> writes = new ArrayList<>();

        @Override
        public Map<String, LastCase> load() {
            return Map.of();
        }

        @Override
        public void save(Map<String, LastCase> all) {
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            synchronized (this) {
                writes.add(Map.copyOf(all));
            }
        }

        synchronized List<Map<String, LastCase>> writes() {
            return List.copyOf(writes);
        }
    }

    @Test
    @Timeout(60)
    void the_last_case_of_a_run_is_stored_before_its_finished_event(@TempDir Path dir) throws Exception {
        SlowStore store = new SlowStore();
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        try (EventBus bus = new EventBus(4, 10_000);
             RunnerEngine engine = new RunnerEngine(
                     new EngineSettings(Clock.systemDefaultZone(), ShellProcess.NON_LOGIN_SHELL, 5000,
                             Duration.ofSeconds(30)),
                     bus, scheduler, new RunLogs(dir), (r, p, t, m) -> { }, store)) {
            Runner r = Runner.builder("counter").command("for i in $(seq 1 50); do echo hit $i; done")
                    .onMatch("hit (\\d+)", CaseState.INFO, "hit {g1}").build();
            engine.refresh(AppState.EMPTY.withRunners(List.of(r)));
            try (Subscription sub = bus.open()) {
                engine.start("counter", false);
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                RunFinished finished = null;
                while (finished == null && System.nanoTime() < deadline) {
                    if (sub.poll(Duration.ofMillis(100)) instanceof RunFinished f) {
                        finished = f;
                    }
                }
                assertThat(finished).isNotNull();
                List<Map<String, LastCase>> writes = store.writes();
                assertThat(writes).isNotEmpty();
                assertThat(writes.get(writes.size() - 1).get("counter").message()).isEqualTo("hit 50");
            }
        } finally {
            scheduler.shutdownNow();
        }
    }
}
