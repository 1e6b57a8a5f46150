package dev.mcr.history;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcr.RunStats;
import dev.mcr.store.RunRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RunStatisticsTest {

    private static final Instant T0 = Instant.parse("2026-12-01T00:00:00Z");
    private int n;

    /** A run that took {@code ms} and ended with {@code exit}, or was stopped or lost or still runs. */
    private RunRecord run(String kind, long ms) {
        n++;
        RunRecord r = RunRecord.started(String.format("run_%03d", n), "runner_a", "A", null, RunRecord.MANUAL, null,
                "node", T0.plusSeconds(n * 60L), 1);
        return switch (kind) {
            case "ok" -> r.ended(r.startedTs().plusMillis(ms), 0, false, false, null, null, null, 0, 0);
            case "fail" -> r.ended(r.startedTs().plusMillis(ms), 2, false, false, null, null, null, 0, 0);
            case "stopped" -> r.ended(r.startedTs().plusMillis(ms), 130, true, false, null, null, null, 0, 0);
            case "lost" -> new RunRecord(r.runId(), r.runnerId(), r.runnerName(), null, r.trigger(), null, r.node(),
                    r.startedTs(), r.startedTs().plusSeconds(5), null, null, false, false, true, 1, null, null, null,
                    0, 0, true);
            default -> r;
        };
    }

    @Test
    void the_statistics_of_a_fixture_have_the_known_answers() {
        List<RunRecord> oldestFirst = new ArrayList<>();
        // durations 100..1000 ms of ten runs: 6 successes, 3 failures (one lost), 1 stopped; then one running
        oldestFirst.add(run("ok", 100));
        oldestFirst.add(run("fail", 200));
        oldestFirst.add(run("ok", 300));
        oldestFirst.add(run("lost", 0));
        oldestFirst.add(run("ok", 500));
        oldestFirst.add(run("fail", 600));
        RunRecord lastFailure = oldestFirst.get(oldestFirst.size() - 1);
        oldestFirst.add(run("ok", 700));
        oldestFirst.add(run("ok", 800));
        oldestFirst.add(run("stopped", 900));
        oldestFirst.add(run("ok", 1000));
        oldestFirst.add(run("running", 0));
        List<RunRecord> newestFirst = new ArrayList<>(oldestFirst);
        java.util.Collections.reverse(newestFirst);

        RunStats s = RunStatistics.of(newestFirst);

        assertThat(s.runs()).as("ended runs, the running one left out").isEqualTo(10);
        assertThat(s.successes()).isEqualTo(6);
        assertThat(s.failures()).as("two failures and the lost run").isEqualTo(3);
        assertThat(s.successRate()).isEqualTo(6 / 9.0);
        // nine durations (the lost run has none): 100 200 300 500 600 700 800 900 1000
        assertThat(s.p50Ms()).isEqualTo(600);
        assertThat(s.p95Ms()).isEqualTo(1000);
        assertThat(s.maxMs()).isEqualTo(1000);
        assertThat(s.streakKind()).as("the stopped run neither breaks nor extends it").isEqualTo("success");
        assertThat(s.streakCount()).isEqualTo(3);
        assertThat(s.lastFailureTs()).isEqualTo(lastFailure.finishedTs());
    }

    @Test
    void a_runner_without_ended_runs_has_no_rate_no_durations_and_no_streak() {
        RunStats s = RunStatistics.of(List.of(run("running", 0)));
        assertThat(s.runs()).isZero();
        assertThat(s.successRate()).isNull();
        assertThat(s.p50Ms()).isNull();
        assertThat(s.maxMs()).isNull();
        assertThat(s.streakKind()).isNull();
        assertThat(s.streakCount()).isZero();
        assertThat(s.lastFailureTs()).isNull();
    }

    @Test
    void a_streak_of_failures_counts_the_newest_failures_in_a_row() {
        List<RunRecord> newestFirst = List.of(run("fail", 10), run("lost", 0), run("fail", 10), run("ok", 10));
        RunStats s = RunStatistics.of(newestFirst);
        assertThat(s.streakKind()).isEqualTo("failure");
        assertThat(s.streakCount()).isEqualTo(3);
    }
}
