package dev.mcr.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs every harness once with tiny sizes so that none of them can rot: each must finish and produce positive
 * figures. No figure is compared with a time or a speed target here; the targets live in BENCHMARKS.md.
 */
class HarnessSmokeTest {

    @TempDir
    Path dir;
    final ByteArrayOutputStream progress = new ByteArrayOutputStream();
    final PrintStream log = new PrintStream(progress, true, StandardCharsets.UTF_8);

    private static Comparison figure(Report r, int round, String metricStart) {
        return r.rounds().get(round).stream().filter(c -> c.metric().startsWith(metricStart)).findFirst()
                .orElseThrow(() -> new AssertionError("No figure '" + metricStart + "' in " + r.rounds()));
    }

    private static void assertPositive(Comparison c) {
        assertThat(c.baseline()).as(c.metric() + " (baseline)").isPositive();
        assertThat(c.mcr()).as(c.metric() + " (mcr)").isPositive();
        assertThat(c.ratio()).as(c.metric() + " (ratio)").isPositive();
    }

    /** CPU times come in clock ticks: a tiny run may use less than one. */
    private static void assertCpuMeasured(Comparison c) {
        assertThat(c.baseline()).as(c.metric() + " (baseline)").isNotNegative();
        assertThat(c.mcr()).as(c.metric() + " (mcr)").isNotNegative();
    }

    private static Path serverJar() {
        String jar = System.getProperty("mcr.server.jar", Main.DEFAULT_SERVER_JAR);
        Path p = Path.of(jar);
        assertThat(p).as("the server jar; build the whole project (mvn -B verify) so mcr-server is packaged first")
                .isRegularFile();
        return p;
    }

    @Test
    void the_cron_harness_measures_the_start_delay_of_both_sides() throws Exception {
        Report r = CronBench.run(new CronBench.Options(3, "* * * * * *", 1), dir, log);

        assertThat(r.rounds()).hasSize(1);
        assertPositive(figure(r, 0, "start delay max"));
    }

    @Test
    void the_notify_harness_measures_deliveries_and_latencies_with_a_stuck_smtp_channel() throws Exception {
        Report r = NotifyBench.run(new NotifyBench.Options(200, 100, 1), dir, log);

        assertThat(r.rounds()).hasSize(1);
        assertPositive(figure(r, 0, "deliveries/s"));
        assertPositive(figure(r, 0, "webhook p99 ms (mcr: no SMTP vs stuck SMTP)"));
        assertThat(r.notes()).anyMatch(n -> n.contains("Stuck SMTP connections held open during the last latency part: 1"));
    }

    @Test
    void the_line_pipeline_harness_measures_both_sides_and_every_line_reaches_the_subscriber() throws Exception {
        Report r = LinePipelineBench.run(new LinePipelineBench.Options(2000, 500, 1, null), dir, log);

        assertPositive(figure(r, 0, "lines/s"));
        assertCpuMeasured(figure(r, 0, "JVM CPU ns per line"));
        // 2000 lines fit in the subscriber's queue, so none may be lost; 1777 and 777 end in 777.
        assertThat(r.notes()).anyMatch(n -> n.contains("received at least 2000 output events and lost at most 0"));
        assertThat(r.notes()).anyMatch(n -> n.contains("baseline 2 pattern hits, mcr 2 case_match events"));
    }

    @Test
    void the_line_breakdown_measures_every_stage() throws Exception {
        Report r = LineBreakdown.run("seq 1 2000", 1, dir, log);

        assertThat(r.rounds()).hasSize(1);
        for (Comparison c : r.rounds().get(0)) {
            if (c.metric().endsWith("lines/s")) {
                assertPositive(c);
            } else if (c.metric().endsWith("ns/line")) {
                // 2000 lines may take less CPU than the clock's resolution.
                assertThat(c.mcr()).as(c.metric()).isNotNegative();
            }
        }
        assertThat(r.rounds().get(0)).anyMatch(c -> c.metric().startsWith("mcr: whole engine"));
    }

    @Test
    void the_spawn_harness_counts_runs_of_both_sides() throws Exception {
        Report r = SpawnBench.run(new SpawnBench.Options(Duration.ofMillis(300), Duration.ZERO, 1), dir, log);

        assertPositive(figure(r, 0, "runs/s"));
        assertCpuMeasured(figure(r, 0, "JVM CPU µs per run"));
    }

    @Test
    void the_scale_harness_sees_scheduled_runs_fall_due_on_both_sides() throws Exception {
        Report r = ScaleBench.run(new ScaleBench.Options(3, Duration.ofSeconds(1), Duration.ofMillis(2600),
                Duration.ZERO, 1), dir, log);

        assertPositive(figure(r, 0, "runs/s"));
        assertCpuMeasured(figure(r, 0, "JVM CPU µs per run"));
        assertThat(figure(r, 0, "failed starts").mcr()).isZero();
        assertThat(figure(r, 0, "runners still cycling").mcr()).isEqualTo(3);
    }

    @Test
    void the_event_stream_harness_delivers_every_line_of_a_small_run_to_every_client() throws Exception {
        Report r = EventStreamBench.run(new EventStreamBench.Options(serverJar(), 2000, List.of(1, 2), 1, 200, 20,
                List.of()), dir, log);

        assertPositive(figure(r, 0, "lines/s per client, 1 client"));
        assertPositive(figure(r, 0, "lines/s per client, 2 client"));
        // 2000 lines fit in each client's queue, and 200 lines/s is far below what the stream carries.
        assertThat(figure(r, 0, "lines lost (worst client), 2 client").mcr()).isZero();
        assertThat(figure(r, 0, "lines lost at 200 lines/s (all clients), 2 client").mcr()).isZero();
        assertPositive(figure(r, 0, "latency p99 (µs), 2 client"));
    }

    @Test
    void the_footprint_harness_reads_startup_size_and_heap_of_the_server_and_the_trivial_jvm() throws Exception {
        Report r = FootprintBench.run(new FootprintBench.Options(serverJar(), 2, 2000, 1, 1, List.of(),
                Duration.ofMillis(200)), dir, log);

        assertPositive(figure(r, 0, "first start ms, empty data folder (baseline: hello-world JVM)"));
        assertPositive(figure(r, 0, "restart ms (baseline: java -version)"));
        assertPositive(figure(r, 0, "restart ms (baseline: hello-world JVM)"));
        assertPositive(figure(r, 0, "idle RSS MiB"));
        assertPositive(figure(r, 0, "idle heap used MiB"));
        assertPositive(figure(r, 0, "max RSS MiB, flood 1"));
    }

    @Test
    void the_jmh_benchmarks_run_and_score_above_zero() throws Exception {
        Options opts = new OptionsBuilder().include(LineCostBenchmark.class.getName())
                .forks(0).warmupIterations(0).measurementIterations(1)
                .measurementTime(TimeValue.milliseconds(100)).shouldFailOnError(true)
                .output(Files.createTempFile(dir, "jmh", ".txt").toString()).build();

        Collection<RunResult> results = new Runner(opts).run();

        assertThat(results).hasSize(6);
        for (RunResult rr : results) {
            assertThat(rr.getPrimaryResult().getScore()).as(rr.getParams().getBenchmark()).isPositive();
        }
    }

    @Test
    void the_command_line_rejects_an_unknown_option_with_a_sentence() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Main.run("spawn", List.of("--nope=1"), log))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("Unknown option --nope; this benchmark knows ");
    }
}
