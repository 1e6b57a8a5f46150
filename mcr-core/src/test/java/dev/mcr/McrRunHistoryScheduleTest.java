package dev.mcr;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcr.event.RunFinished;
import dev.mcr.model.Runner;
import dev.mcr.store.RunRecord;
import dev.mcr.testing.ManualScheduler;
import dev.mcr.testing.MutableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Records of scheduled starts, driven by a manual scheduler and a settable clock. */
class McrRunHistoryScheduleTest {

    @TempDir
    Path dir;

    @Test
    void runs_of_the_schedule_are_recorded_with_the_trigger_schedule() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-03-11T12:00:00Z"));
        ManualScheduler scheduler = new ManualScheduler(clock);
        try (Mcr mcr = Mcr.builder().dataDir(dir).clock(clock).scheduler(scheduler).build();
             EventRecorder events = new EventRecorder(mcr)) {
            mcr.saveRunner(Runner.builder("runner_tick").command("echo tick").every(Duration.ofMinutes(1))
                    .runs(2).build());
            RunHandle h = mcr.start("runner_tick");
            h.result().toCompletableFuture().get(20, TimeUnit.SECONDS);
            scheduler.advance(Duration.ofMinutes(1));
            RunFinished second = events.await(RunFinished.class, f -> !f.runId().equals(h.runId()));

            assertThat(mcr.run(h.runId()).orElseThrow().trigger()).isEqualTo(RunRecord.MANUAL);
            RunRecord r = mcr.run(second.runId()).orElseThrow();
            assertThat(r.trigger()).isEqualTo(RunRecord.SCHEDULE);
            assertThat(r.startedTs()).isEqualTo(Instant.parse("2026-03-11T12:01:00Z"));
            assertThat(r.durationMs()).as("measured by the injected clock, which stood still").isZero();
        }
    }
}
