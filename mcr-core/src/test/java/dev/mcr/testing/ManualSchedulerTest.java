package dev.mcr.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The test scheduler runs nothing by itself, and everything due when the clock is moved, in order. */
class ManualSchedulerTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-11T12:00:00Z"));
    private final ManualScheduler scheduler = new ManualScheduler(clock);
    private final List<String> ran = new ArrayList<>();

    @Test
    void tasks_run_only_when_the_clock_reaches_them_in_due_order_each_at_its_due_time() {
        scheduler.schedule(() -> ran.add("b@" + clock.instant()), 2, TimeUnit.SECONDS);
        scheduler.schedule(() -> ran.add("a@" + clock.instant()), 1, TimeUnit.SECONDS);
        scheduler.execute(() -> ran.add("now@" + clock.instant()));
        assertThat(ran).isEmpty();

        assertThat(scheduler.runDue()).isEqualTo(1);
        assertThat(scheduler.advance(Duration.ofMillis(1500))).isEqualTo(1);
        assertThat(ran).containsExactly("now@2026-03-11T12:00:00Z", "a@2026-03-11T12:00:01Z");
        assertThat(clock.instant()).isEqualTo(Instant.parse("2026-03-11T12:00:01.500Z"));

        scheduler.advance(Duration.ofHours(1));
        assertThat(ran).last().isEqualTo("b@2026-03-11T12:00:02Z");
        assertThat(scheduler.pending()).isZero();
    }

    @Test
    void a_task_scheduled_by_a_task_runs_in_the_same_advance_when_it_falls_due_on_the_way() {
        scheduler.schedule(() -> {
            ran.add("first");
            scheduler.schedule(() -> ran.add("second@" + clock.instant()), 3, TimeUnit.SECONDS);
        }, 1, TimeUnit.SECONDS);

        scheduler.advance(Duration.ofSeconds(10));

        assertThat(ran).containsExactly("first", "second@2026-03-11T12:00:04Z");
    }

    @Test
    void a_cancelled_task_never_runs_and_is_no_longer_pending() {
        ScheduledFuture<?> f = scheduler.schedule(() -> ran.add("x"), 1, TimeUnit.SECONDS);
        assertThat(scheduler.nextDue()).hasValue(Instant.parse("2026-03-11T12:00:01Z"));

        assertThat(f.cancel(false)).isTrue();
        scheduler.advance(Duration.ofSeconds(5));

        assertThat(ran).isEmpty();
        assertThat(f.isCancelled()).isTrue();
        assertThat(scheduler.pending()).isZero();
    }
}
