package dev.mcr.bench;

import dev.mcr.Mcr;
import dev.mcr.event.McrEvent;
import dev.mcr.event.RunFinished;
import dev.mcr.event.Subscription;
import dev.mcr.model.Runner;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Benchmark 2, spawn overhead: runs per second of a runner executing {@code true} with a non-login shell,
 * started again as soon as its finished event arrives, against a bare
 * {@code new ProcessBuilder("bash", "-c", "true").start().waitFor()} loop.
 */
public final class SpawnBench {

    /**
     * What to run.
     *
     * @param duration how long each measured pass spawns
     * @param warmup   how long each side spawns, untimed, before the first round
     * @param rounds   measured rounds; the order of the two sides alternates
     */
    public record Options(Duration duration, Duration warmup, int rounds) {
        /** Validates. */
        public Options {
            if (duration.isNegative() || duration.isZero() || warmup.isNegative() || rounds < 1) {
                throw new IllegalArgumentException("The duration must be positive, the warm-up not negative and rounds at least 1.");
            }
        }
    }

    /**
     * The outcome of one pass.
     *
     * @param runs     processes that ran to their end
     * @param seconds  elapsed time
     * @param cpuNanos CPU time this JVM used meanwhile (the spawning side's own cost, children excluded)
     */
    public record Pass(long runs, double seconds, long cpuNanos) {
        /** Returns runs per second. */
        public double runsPerSecond() {
            return runs / seconds;
        }

        /** Returns this JVM's CPU time per run, in microseconds. */
        public double cpuMicrosPerRun() {
            return cpuNanos / 1000.0 / runs;
        }
    }

    private SpawnBench() {
    }

    /**
     * Runs the benchmark.
     *
     * @param o   the options
     * @param dir an empty folder for mcr's data
     * @param log progress lines
     * @return the report: runs/s and this JVM's CPU per run, both sides, per round
     * @throws IOException          when a process cannot be started
     * @throws InterruptedException when interrupted
     */
    public static Report run(Options o, Path dir, PrintStream log) throws IOException, InterruptedException {
        Report report = new Report("2. Spawn overhead: `true` started again as soon as it ended — bare "
                + "`new ProcessBuilder(\"bash\",\"-c\",\"true\").start().waitFor()` vs. mcr runner "
                + "(`setsid bash -c`, start, wait for the finished event, start again)");
        Finished finished = new Finished();
        double setsidRatio = Double.NaN;
        try (Mcr mcr = Mcr.builder().dataDir(dir).seedDemo(false).shell(LinePipelineBench.SHELL).build()) {
            Runner r = mcr.saveRunner(Runner.builder("bench-spawn").command("true").runs(1).build());
            try (Subscription sub = mcr.subscribe(finished)) {
                if (!o.warmup().isZero()) {
                    log.println("warm-up: " + o.warmup().toMillis() + " ms each side");
                    baseline(List.of("bash", "-c", "true"), o.warmup());
                    engine(mcr, r.id(), finished, o.warmup());
                }
                for (int round = 1; round <= o.rounds(); round++) {
                    Pass base;
                    Pass ours;
                    if (round % 2 == 1) {
                        base = baseline(List.of("bash", "-c", "true"), o.duration());
                        ours = engine(mcr, r.id(), finished, o.duration());
                    } else {
                        ours = engine(mcr, r.id(), finished, o.duration());
                        base = baseline(List.of("bash", "-c", "true"), o.duration());
                    }
                    log.printf("round %d: baseline %s runs/s (%s µs CPU/run), mcr %s runs/s (%s µs CPU/run), load %.1f%n",
                            round, Report.format(base.runsPerSecond()), Report.format(base.cpuMicrosPerRun()),
                            Report.format(ours.runsPerSecond()), Report.format(ours.cpuMicrosPerRun()),
                            MachineInfo.loadAverage());
                    report.addRound(List.of(
                            new Comparison("runs/s", base.runsPerSecond(), ours.runsPerSecond()),
                            new Comparison("JVM CPU µs per run", base.cpuMicrosPerRun(), ours.cpuMicrosPerRun())));
                }
                if (sub.dropped() > 0) {
                    report.note("The subscriber lost " + sub.dropped() + " events (its queue was full).");
                }
                Pass bare = baseline(List.of("bash", "-c", "true"), o.duration());
                Pass setsid = baseline(List.of("setsid", "bash", "-c", "true"), o.duration());
                setsidRatio = setsid.runsPerSecond() / bare.runsPerSecond();
                log.printf("bare setsid bash -c true: %s runs/s (%.2f of bare bash -c true)%n",
                        Report.format(setsid.runsPerSecond()), setsidRatio);
            }
        }
        report.note("Only the spawning JVM's own CPU is counted per run (the shells' CPU is the same on both sides).");
        report.note(String.format(java.util.Locale.ROOT, "Part of the gap is the `setsid` exec mcr needs for its process "
                + "group: a bare `setsid bash -c true` loop ran at %.2f of the bare `bash -c true` loop.", setsidRatio));
        return report;
    }

    /**
     * The bare loop: starts the command and waits for it, again and again.
     *
     * @param command  the command line
     * @param duration how long to loop
     * @return the pass
     * @throws IOException          when the process cannot be started
     * @throws InterruptedException when interrupted
     */
    public static Pass baseline(List<String> command, Duration duration) throws IOException, InterruptedException {
        long cpu0 = ProcStats.selfCpuNanos();
        long t0 = System.nanoTime();
        long end = t0 + duration.toNanos();
        long runs = 0;
        long now;
        do {
            new ProcessBuilder(command).start().waitFor();
            runs++;
            now = System.nanoTime();
        } while (now < end);
        return new Pass(runs, (now - t0) / 1e9, ProcStats.selfCpuNanos() - cpu0);
    }

    static Pass engine(Mcr mcr, String runnerId, Finished finished, Duration duration)
            throws InterruptedException {
        finished.watch(runnerId);
        long cpu0 = ProcStats.selfCpuNanos();
        long t0 = System.nanoTime();
        long end = t0 + duration.toNanos();
        long runs = 0;
        long now;
        do {
            mcr.start(runnerId);
            if (!finished.runs.tryAcquire(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("Runner " + runnerId + " did not finish within 60 s.");
            }
            runs++;
            now = System.nanoTime();
        } while (now < end);
        return new Pass(runs, (now - t0) / 1e9, ProcStats.selfCpuNanos() - cpu0);
    }

    /** Releases a permit for every finished event of the watched runner. */
    static final class Finished implements Consumer<McrEvent> {
        final Semaphore runs = new Semaphore(0);
        private volatile String runnerId;

        void watch(String id) {
            runs.drainPermits();
            runnerId = id;
        }

        @Override
        public void accept(McrEvent e) {
            if (e instanceof RunFinished f && f.runnerId().equals(runnerId)) {
                runs.release();
            }
        }
    }
}
