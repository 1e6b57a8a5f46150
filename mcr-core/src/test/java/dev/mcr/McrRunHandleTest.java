package dev.mcr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcr.error.ClosedException;
import dev.mcr.event.CaseMatched;
import dev.mcr.event.McrEvent;
import dev.mcr.event.OutputLine;
import dev.mcr.event.RunFinished;
import dev.mcr.event.RunStarted;
import dev.mcr.event.RunStopping;
import dev.mcr.model.CaseState;
import dev.mcr.model.Runner;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A start returns a handle: the run's id at once, its result once its end is accounted. */
class McrRunHandleTest extends McrTestBase {

    private static RunResult await(RunHandle h) throws Exception {
        return h.result().toCompletableFuture().get(20, TimeUnit.SECONDS);
    }

    @Test
    void every_event_of_a_run_carries_the_id_the_handle_returned_and_the_process_sees_it_as_mcr_run_id()
            throws Exception {
        Runner r = mcr.saveRunner(Runner.builder("greeter").command("echo \"id=$MCR_RUN_ID\"; echo hello world; exit 3")
                .onMatch("hello (\\w+)", CaseState.INFO, "greeting {g1}").lastLineCase().build());

        RunHandle h = mcr.start(r.id());
        RunResult result = await(h);

        assertThat(h.runId()).matches("^run_[0-9a-f]{32}$");
        assertThat(h.runnerId()).isEqualTo("greeter");
        List<McrEvent> all = events.events();
        assertThat(events.all(RunStarted.class)).singleElement().extracting(RunStarted::runId).isEqualTo(h.runId());
        assertThat(events.all(OutputLine.class)).extracting(OutputLine::text, OutputLine::runId).containsExactly(
                org.assertj.core.groups.Tuple.tuple("id=" + h.runId() + "\n", h.runId()),
                org.assertj.core.groups.Tuple.tuple("hello world\n", h.runId()));
        assertThat(events.all(CaseMatched.class)).extracting(CaseMatched::message, CaseMatched::runId)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("greeting world", h.runId()),
                        org.assertj.core.groups.Tuple.tuple("hello world", h.runId()));
        // A page marks the matched line: the match names it; the last-line case is tied to no line.
        assertThat(events.all(CaseMatched.class).get(0).toJson(mcr.zone())).containsEntry("line", "hello world\n");
        assertThat(events.all(CaseMatched.class).get(1).toJson(mcr.zone())).doesNotContainKey("line");
        assertThat(new java.util.ArrayList<>(events.all(CaseMatched.class).get(0).toJson(mcr.zone()).keySet()))
                .as("the new key comes after the original's").endsWith("run_id", "line");
        assertThat(events.all(RunFinished.class)).singleElement().extracting(RunFinished::runId).isEqualTo(h.runId());
        assertThat(all.get(all.size() - 1)).isInstanceOf(RunFinished.class);
        assertThat(events.all(RunFinished.class).get(0).toJson(mcr.zone())).containsEntry("run_id", h.runId());

        assertThat(result.runId()).isEqualTo(h.runId());
        assertThat(result.runnerId()).isEqualTo("greeter");
        assertThat(result.exitCode()).isEqualTo(3);
        assertThat(result.stopped()).isFalse();
        assertThat(result.succeeded()).isFalse();
        assertThat(result.paused()).isFalse();
        assertThat(result.lastCase()).isEqualTo("hello world");
        assertThat(result.duration()).isEqualTo(java.time.Duration.between(events.all(RunStarted.class).get(0).ts(),
                events.all(RunFinished.class).get(0).ts()));
    }

    @Test
    void the_result_completes_only_after_finished_was_published() throws Exception {
        Runner r = mcr.saveRunner(Runner.builder("quick").command("true").build());
        try (var sub = mcr.openSubscription()) {
            RunResult result = await(mcr.start(r.id()));
            assertThat(result.succeeded()).isTrue();
            // Published before the result completed, so it is queued already: no waiting.
            McrEvent e;
            boolean finished = false;
            while ((e = sub.pollNow()) != null) {
                finished |= e instanceof RunFinished f && f.runId().equals(result.runId());
            }
            assertThat(finished).isTrue();
        }
    }

    @Test
    void each_start_is_a_new_run_with_a_later_id_and_a_stopped_run_reports_stopped() throws Exception {
        Runner r = mcr.saveRunner(Runner.builder("sleeper").command("echo up; sleep 30").build());
        RunHandle first = mcr.start(r.id());
        events.await(OutputLine.class, l -> l.runId().equals(first.runId()));
        mcr.stop(r.id());
        RunResult stopped = await(first);

        assertThat(stopped.stopped()).isTrue();
        assertThat(stopped.succeeded()).isFalse();
        assertThat(events.all(RunStopping.class)).singleElement().extracting(RunStopping::runId)
                .isEqualTo(first.runId());

        RunHandle second = mcr.start(r.id());
        assertThat(second.runId()).isGreaterThan(first.runId());
        mcr.stop(r.id());
        await(second);
        mcr.stop(r.id());
        assertThat(events.all(RunStopping.class).get(2).runId()).as("nothing was running").isNull();
        assertThat(events.all(RunStopping.class).get(2).toJson(mcr.zone())).doesNotContainKey("run_id");
    }

    @Test
    void the_result_given_out_cannot_be_completed_by_the_caller() throws Exception {
        Runner r = mcr.saveRunner(Runner.builder("sleeper").command("sleep 30").build());
        RunHandle h = mcr.start(r.id());

        h.result().toCompletableFuture().complete(null);

        assertThat(h.result().toCompletableFuture().isDone()).isFalse();
        mcr.stop(r.id());
        assertThat(await(h)).isNotNull().extracting(RunResult::stopped).isEqualTo(true);
    }

    @Test
    void closing_mcr_completes_the_result_of_a_live_run_as_stopped() throws Exception {
        Runner r = mcr.saveRunner(Runner.builder("sleeper").command("sleep 30").build());
        RunHandle h = mcr.start(r.id());

        mcr.close();

        CompletableFuture<RunResult> result = h.result().toCompletableFuture();
        assertThat(result.isDone()).as("close waits for its runs' ends").isTrue();
        assertThat(result.get().stopped()).isTrue();
        assertThatThrownBy(() -> mcr.start(r.id())).isInstanceOf(ClosedException.class);
    }
}
