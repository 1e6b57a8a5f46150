package dev.mcr.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcr.bus.EventBus;
import dev.mcr.event.CaseError;
import dev.mcr.event.McrEvent;
import dev.mcr.event.RunFinished;
import dev.mcr.event.RunPaused;
import dev.mcr.event.RunScheduled;
import dev.mcr.event.RunStarted;
import dev.mcr.event.Subscription;
import dev.mcr.files.RunLogs;
import dev.mcr.model.AppState;
import dev.mcr.model.CaseState;
import dev.mcr.model.Runner;
import dev.mcr.testing.ManualScheduler;
import dev.mcr.testing.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the engine does around the end and the scheduled start of a run, besides running it. Scheduled starts run on
 * a manual scheduler: the test moves the clock to them.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RunEndBookkeepingTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-11T12:00:00Z"));
    private final ManualScheduler scheduler = new ManualScheduler(clock);
    private EventBus bus;
    private Subscription events;
    private LastCaseThrottleTest.RecordingStore lastCases;
    private Path launcher;

    @BeforeEach
    void setUp() throws Exception {
        bus = new EventBus(4, 10_000);
        events = bus.open();
        lastCases = new LastCaseThrottleTest.RecordingStore();
        // The shell prefix starts with a link to setsid that a test can remove and put back: a real spawn
        // failure ("Cannot run program") of the same kind as a missing shell or an exhausted process table.
        launcher = dir.resolve("setsid-link");
        Files.createSymbolicLink(launcher, Path.of(which("setsid")));
    }

    @AfterEach
    void tearDown() {
        bus.close();
    }

    private RunnerEngine engine() {
        return new RunnerEngine(new EngineSettings(clock, List.of(launcher.toString(), "bash", "-c"),
                5000, Duration.ofSeconds(5)), bus, scheduler, new RunLogs(dir), (r, p, t, m) -> { }, lastCases);
    }

    @Test
    void runs_that_match_no_case_write_no_last_cases() throws Exception {
        try (RunnerEngine engine = engine()) {
            Runner quiet = Runner.builder("quiet").command("echo nothing to see")
                    .onMatch("ERROR", CaseState.DOWN, "down").build();
            engine.refresh(AppState.EMPTY.withRunners(List.of(quiet)));
            for (int i = 0; i < 3; i++) {
                engine.start("quiet", false);
                await(RunFinished.class::isInstance);
            }
            assertThat(lastCases.writes()).isEmpty();

            Runner noisy = Runner.builder("quiet").command("echo ERROR").onMatch("ERROR", CaseState.DOWN, "down").build();
            engine.refresh(AppState.EMPTY.withRunners(List.of(noisy)));
            engine.start("quiet", false);
            await(RunFinished.class::isInstance);
            assertThat(lastCases.writes()).isNotEmpty();
            assertThat(lastCases.writes().get(lastCases.writes().size() - 1).get("quiet").message()).isEqualTo("down");
        }
    }

    @Test
    void a_scheduled_start_that_fails_is_tried_again_at_the_next_due_time() throws Exception {
        try (RunnerEngine engine = engine()) {
            Runner r = Runner.builder("tick").command("echo tick").every(Duration.ofSeconds(1)).unlimitedRuns().build();
            engine.refresh(AppState.EMPTY.withRunners(List.of(r)));
            engine.start("tick", false);
            await(RunScheduled.class::isInstance);

            Files.delete(launcher);
            scheduler.advance(Duration.ofSeconds(1));
            CaseError failed = (CaseError) await(e -> e instanceof CaseError ce && ce.pattern().equals("__schedule__"));
            assertThat(failed.error()).startsWith("Scheduled start failed: ");
            assertThat(engine.isActive("tick")).as("still scheduled after a failed start").isTrue();
            assertThat(engine.status("tick").consecutiveFailures()).isEqualTo(1);
            assertThat(scheduler.nextDue()).as("tried again one interval later").hasValue(clock.instant().plusSeconds(1));

            Files.createSymbolicLink(launcher, Path.of(which("setsid")));
            scheduler.advance(Duration.ofSeconds(1));
            await(RunStarted.class::isInstance);
            RunFinished next = (RunFinished) await(RunFinished.class::isInstance);
            assertThat(next.exitCode()).isZero();
            assertThat(engine.status("tick").consecutiveFailures()).isZero();
            engine.stop("tick");
        }
    }

    @Test
    void scheduled_starts_that_keep_failing_pause_the_runner_at_its_failure_threshold() throws Exception {
        try (RunnerEngine engine = engine()) {
            Runner r = Runner.builder("tick").command("echo tick").every(Duration.ofSeconds(1)).unlimitedRuns()
                    .pauseAfterFailures(2).build();
            engine.refresh(AppState.EMPTY.withRunners(List.of(r)));
            engine.start("tick", false);
            await(RunScheduled.class::isInstance);

            Files.delete(launcher);
            scheduler.advance(Duration.ofSeconds(1));
            assertThat(engine.status("tick").consecutiveFailures()).isEqualTo(1);
            scheduler.advance(Duration.ofSeconds(1));
            RunPaused paused = (RunPaused) await(RunPaused.class::isInstance);
            assertThat(paused.reason()).isEqualTo(RunPaused.AUTO_PAUSE_FAILURES);
            assertThat(paused.consecutiveFailures()).isEqualTo(2);
            assertThat(engine.isActive("tick")).isFalse();
            assertThat(scheduler.pending()).as("nothing more is scheduled").isZero();
        }
    }

    private McrEvent await(Predicate<McrEvent> wanted) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            McrEvent e = events.poll(Duration.ofMillis(100));
            if (e != null && wanted.test(e)) {
                return e;
            }
        }
        throw new AssertionError("The awaited event did not come within " + WAIT + ".");
    }

    private static String which(String program) {
        for (String d : System.getenv("PATH").split(":")) {
            Path p = Path.of(d, program);
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        throw new IllegalStateException(program + " is not on the PATH.");
    }
}
