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
import dev.mcr.testing.ManualScheduler;
import dev.mcr.testing.MutableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * last_case writes are throttled while runs match and forced at a run's end. Time is a settable clock and the
 * delayed write runs on a manual scheduler, so every count below is exact.
 */
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

    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-11T12:00:00Z"));
    private final ManualScheduler scheduler = new ManualScheduler(clock);
    private final RecordingStore store = new RecordingStore();
    /** What the throttle writes: the "current" last case, changed by the tests. */
    private volatile String current = "";
    private final LastCaseThrottle throttle = new LastCaseThrottle(store,
            () -> Map.of("r", new LastCase(current, clock.instant())), scheduler, clock, Duration.ofSeconds(1));

    private void match(String message) {
        current = message;
        throttle.changed();
    }

    private List<String> written() {
        return store.writes().stream().map(w -> w.get("r").message()).toList();
    }

    @Test
    void the_first_change_is_written_at_once_and_later_ones_within_the_interval_once_when_it_has_passed() {
        match("one");
        assertThat(written()).containsExactly("one");

        clock.advance(Duration.ofMillis(200));
        match("two");
        clock.advance(Duration.ofMillis(300));
        match("three");
        assertThat(written()).as("within the interval").containsExactly("one");

        scheduler.advance(Duration.ofMillis(499));
        assertThat(written()).containsExactly("one");
        scheduler.advance(Duration.ofMillis(1));
        assertThat(written()).as("one interval after the first write, the newest").containsExactly("one", "three");

        scheduler.advance(Duration.ofHours(1));
        assertThat(written()).as("nothing changed since").containsExactly("one", "three");
    }

    @Test
    void a_change_after_a_quiet_interval_is_written_at_once() {
        match("one");
        clock.advance(Duration.ofSeconds(5));
        match("two");
        assertThat(written()).containsExactly("one", "two");
        assertThat(scheduler.pending()).isZero();
    }

    @Test
    void the_end_of_a_run_writes_a_pending_change_at_once_and_nothing_when_nothing_changed() {
        throttle.flushIfChanged();
        assertThat(written()).isEmpty();
        match("one");
        match("two");
        throttle.flushIfChanged();
        assertThat(written()).containsExactly("one", "two");
        scheduler.advance(Duration.ofHours(1));
        assertThat(written()).as("the delayed write was replaced").containsExactly("one", "two");
    }

    @Test
    void close_writes_what_is_pending_and_schedules_nothing_more() {
        match("one");
        match("two");
        throttle.close();
        match("three");
        scheduler.advance(Duration.ofHours(1));
        assertThat(written()).containsExactly("one", "two");
    }

    @Test
    void hundreds_of_matches_in_one_run_cause_two_writes_and_the_last_one_is_final(@TempDir Path dir)
            throws Exception {
        try (EventBus bus = new EventBus(4, 10_000);
             RunnerEngine engine = new RunnerEngine(
                     new EngineSettings(clock, ShellProcess.NON_LOGIN_SHELL, 5000, Duration.ofSeconds(5)),
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
            // the first match at once; the rest within the interval (time stands still): forced at the run's end
            assertThat(writes).hasSize(2);
            assertThat(writes.get(0).get("counter").message()).isEqualTo("hit 1");
            assertThat(writes.get(1).get("counter").message()).isEqualTo("hit 500");
        }
    }
}
