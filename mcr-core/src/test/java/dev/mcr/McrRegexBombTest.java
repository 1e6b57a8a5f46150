package dev.mcr;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcr.event.CaseError;
import dev.mcr.event.CaseMatched;
import dev.mcr.event.McrEvent;
import dev.mcr.event.OutputLine;
import dev.mcr.event.RunFinished;
import dev.mcr.event.RunStarted;
import dev.mcr.process.ShellProcess;
import dev.mcr.model.CaseState;
import dev.mcr.model.Runner;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end: a runner whose cases are regex bombs on long lines neither freezes itself nor anything else.
 */
class McrRegexBombTest {

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 90, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void a_regex_bomb_on_long_lines_reports_case_errors_and_neither_the_run_nor_other_runners_nor_the_api_freeze()
            throws Exception {
        try (Mcr mcr = Mcr.builder().dataDir(dir).seedDemo(false).shell(ShellProcess.NON_LOGIN_SHELL).build();
             EventRecorder events = new EventRecorder(mcr)) {
            // 20 lines of 5000 'a' and a '!': (.*a){12}!\d backtracks polynomially to the 12th degree (Java's
            // regex memoizes the classic (a+)+$, which is only quadratic there), (a|b)*\d recurses too deep. Both end in \d, not a
            // literal: a line without a pattern's required literal never runs its regex.
            Runner bomb = mcr.saveRunner(Runner.builder("runner_bomb").name("bomb")
                    .command("for i in $(seq 1 20); do printf 'a%.0s' $(seq 1 5000); echo '!'; done; echo done")
                    .onMatch("(.*a){12}!\\d", CaseState.WARN, "exploded {match}")
                    .onMatch("(a|b)*\\d", CaseState.WARN, "recursed")
                    .onMatch("^done$", CaseState.UP, "bomb run done")
                    .build());
            Runner ticker = mcr.saveRunner(Runner.builder("runner_ticker").name("ticker")
                    .command("for i in $(seq 1 400); do echo tick $i; sleep 0.01; done")
                    .onMatch("tick (\\d+)", CaseState.INFO, "tick {g1}")
                    .build());
            mcr.start(ticker.id());
            events.await(OutputLine.class, o -> o.runnerId().equals(ticker.id()));
            mcr.start(bomb.id());
            events.await(RunStarted.class, s -> s.runnerId().equals(bomb.id()));

            // While the bomb's cases burn their budgets, the facade keeps answering (a hang fails here).
            CaseError first = events.await(CaseError.class, e -> e.runnerId().equals(bomb.id()),
                    Duration.ofSeconds(30));
            assertThat(CompletableFuture.supplyAsync(mcr::status).get(10, TimeUnit.SECONDS))
                    .containsKey(bomb.id());
            assertThat(CompletableFuture.supplyAsync(mcr::maskedState).get(10, TimeUnit.SECONDS).runners())
                    .hasSize(2);

            RunFinished fin = events.await(RunFinished.class, f -> f.runnerId().equals(bomb.id()),
                    Duration.ofSeconds(60));
            assertThat(fin.exitCode()).isZero();
            assertThat(events.await(CaseMatched.class, m -> m.runnerId().equals(bomb.id())).message())
                    .as("the sane case of the same runner still matches").isEqualTo("bomb run done");

            List<CaseError> errors = events.all(CaseError.class).stream()
                    .filter(e -> e.runnerId().equals(bomb.id())).toList();
            assertThat(first.error()).isNotBlank();
            assertThat(errors).anySatisfy(e -> {
                assertThat(e.pattern()).isEqualTo("(.*a){12}!\\d");
                assertThat(e.error()).contains("timed out");
            });
            assertThat(errors).as("each bomb case is disabled after a few failures, not retried on all 20 lines")
                    .filteredOn(e -> e.pattern().equals("(.*a){12}!\\d")).hasSize(3)
                    .last().satisfies(e -> assertThat(e.error()).contains("disabled"));
            assertThat(errors).anySatisfy(e -> assertThat(e.pattern()).isEqualTo("(a|b)*\\d"));
            assertThat(events.all(OutputLine.class).stream().filter(o -> o.runnerId().equals(bomb.id())))
                    .as("every line still reaches the event stream").hasSize(21);

            // The ticker kept producing output and case matches while the bomb ran.
            List<McrEvent> all = events.events();
            int bombStart = indexOf(all, e -> e instanceof RunStarted s && s.runnerId().equals(bomb.id()));
            int bombEnd = indexOf(all, e -> e instanceof RunFinished f && f.runnerId().equals(bomb.id()));
            assertThat(all.subList(bombStart, bombEnd).stream()
                    .filter(e -> e instanceof CaseMatched m && m.runnerId().equals(ticker.id())).count())
                    .as("ticker case matches during the bomb's run").isGreaterThan(5);
            mcr.stop(ticker.id());
        }
    }

    private static int indexOf(List<McrEvent> all, java.util.function.Predicate<McrEvent> p) {
        for (int i = 0; i < all.size(); i++) {
            if (p.test(all.get(i))) {
                return i;
            }
        }
        throw new AssertionError("event not found");
    }
}
