package dev.mcr;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcr.event.RunScheduled;
import dev.mcr.event.RunStarted;
import dev.mcr.model.Runner;
import dev.mcr.model.RunnerGroup;
import dev.mcr.testing.ManualScheduler;
import dev.mcr.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Runs know who started them: the actor a caller names, then {@code schedule}, and {@code group:<id>}. */
class McrRunActorTest extends McrTestBase {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-11T12:00:00Z"));
    private final ManualScheduler scheduler = new ManualScheduler(clock);

    @Override
    Mcr.Builder configure(Mcr.Builder builder) {
        return builder.clock(clock).scheduler(scheduler);
    }

    @Test
    void a_start_carries_its_actor_and_the_runs_its_schedule_starts_carry_schedule() throws Exception {
        Runner r = mcr.saveRunner(Runner.builder("twice").command("true").every(Duration.ofSeconds(1)).runs(2)
                .build());
        mcr.start(r.id(), "ann");
        events.await(RunScheduled.class, e -> true);
        scheduler.advance(Duration.ofSeconds(1));
        RunStarted second = events.await(RunStarted.class, s -> s.runCount() == 2);
        RunStarted first = events.all(RunStarted.class).get(0);
        assertThat(first.actor()).isEqualTo("ann");
        assertThat(first.toJson(mcr.zone())).containsEntry("actor", "ann");
        assertThat(second.actor()).isEqualTo(RunStarted.SCHEDULE);
        assertThat(second.toJson(mcr.zone()).keySet()).endsWith("run_id", "actor");
    }

    @Test
    void a_start_that_names_nobody_writes_no_actor_key_and_a_groups_runs_carry_the_group() throws Exception {
        Runner r = mcr.saveRunner(Runner.builder("solo").command("true").build());
        mcr.start(r.id()).result().toCompletableFuture().get(20, TimeUnit.SECONDS);
        assertThat(events.all(RunStarted.class).get(0).toJson(mcr.zone())).doesNotContainKey("actor");

        mcr.saveRunner(Runner.builder("member").command("true").build());
        mcr.saveGroup(RunnerGroup.builder("nightly").name("Nightly").runners("member").build());
        mcr.startGroup("nightly");
        RunStarted member = events.await(RunStarted.class, s -> s.runnerId().equals("member"));
        assertThat(member.actor()).isEqualTo("group:nightly");
    }
}
