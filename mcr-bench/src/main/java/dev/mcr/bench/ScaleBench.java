package dev.mcr.bench;

import dev.mcr.Mcr;
import dev.mcr.error.McrException;
import dev.mcr.event.CaseError;
import dev.mcr.event.McrEvent;
import dev.mcr.event.RunFinished;
import dev.mcr.event.RunStarted;
import dev.mcr.event.Subscription;
import dev.mcr.model.Runner;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Benchmark 5, scale: many runners of {@code true}, each repeating a fixed interval after its previous run
 * ended, for a while. Measures the share of runs that start within 100 ms of their due time (due = previous
 * finish + interval) and the CPU used, against the same spawns made by a bare
 * {@link ScheduledExecutorService}.
 */
public final class ScaleBench {

    /** A run counts as on time when it starts at most this late. */
    public static final Duration ON_TIME = Duration.ofMillis(100);

    /**
     * What to run.
     *
     * @param runners  how many runners
     * @param interval the pause between a run's end and the next start
     * @param duration how long each side runs
     * @param warmup   the first part of each side that is not measured
     * @param rounds   measured rounds; the order of the two sides alternates
     */
    public record Options(int runners, Duration interval, Duration duration, Duration warmup, int rounds) {
        /** Validates. */
        public Options {
            if (runners < 1 || rounds < 1 || interval.isNegative() || interval.isZero() || warmup.isNegative()
                    || duration.compareTo(warmup.plus(interval)) <= 0) {
                throw new IllegalArgumentException("Runners and rounds must be at least 1, the interval positive, and the "
                        + "duration longer than the warm-up plus one interval.");
            }
        }
    }

    /**
     * The outcome of one pass, over the measured window.
     *
     * @param due           runs that fell due in the window
     * @param onTime        of those, runs that started at most {@link #ON_TIME} late
     * @param delaysMicros  how late each due run that started did start
     * @param missed        runs due in the window that never started (counted in {@code due}, not on time)
     * @param seconds       length of the window
     * @param cpuNanos      CPU time this JVM used in the window
     * @param childCpuNanos CPU time of its reaped children (the shells) in the window
     * @param failedStarts  starts that failed (the process could not be spawned), manual or scheduled, whole pass
     * @param cycling       runners still running or scheduled at the end of the pass
     */
    public record Pass(long due, long onTime, List<Long> delaysMicros, long missed, double seconds, long cpuNanos,
                       long childCpuNanos, long failedStarts, int cycling) {
        /** Returns the share of due runs that started on time, in percent. */
        public double onTimePercent() {
            return due == 0 ? 0 : 100.0 * onTime / due;
        }

        /** Returns runs started per second. */
        public double runsPerSecond() {
            return (due - missed) / seconds;
        }

        /** Returns this JVM's CPU as a share of one core, in percent. */
        public double cpuPercent() {
            return 100.0 * cpuNanos / (seconds * 1e9);
        }

        /** Returns this JVM's CPU per run, in microseconds. */
        public double cpuMicrosPerRun() {
            return due == 0 ? 0 : cpuNanos / 1000.0 / due;
        }

        /** Returns the children's CPU as a share of one core, in percent. */
        public double childCpuPercent() {
            return 100.0 * childCpuNanos / (seconds * 1e9);
        }

        /** Returns a delay percentile in milliseconds. */
        public double delayMillis(double percent) {
            return delaysMicros.isEmpty() ? 0 : Stats.percentile(delaysMicros, percent) / 1000.0;
        }
    }

    private ScaleBench() {
    }

    /**
     * Runs the benchmark.
     *
     * @param o   the options
     * @param dir an empty folder for mcr's data (one sub-folder per round)
     * @param log progress lines
     * @return the report
     * @throws IOException          when a process cannot be started
     * @throws InterruptedException when interrupted
     */
    public static Report run(Options o, Path dir, PrintStream log) throws IOException, InterruptedException {
        Report report = new Report("5. Scale: " + o.runners() + " runners of `true`, every " + o.interval().toMillis()
                + " ms after the previous end, " + o.duration().toSeconds() + " s (first " + o.warmup().toSeconds()
                + " s not measured) — bare ScheduledExecutorService spawning `bash -c true` vs. mcr (`setsid bash -c`)");
        for (int round = 1; round <= o.rounds(); round++) {
            Pass base;
            Pass ours;
            Path roundDir = dir.resolve("round-" + round);
            if (round % 2 == 1) {
                base = baseline(o);
                ours = engine(o, roundDir);
            } else {
                ours = engine(o, roundDir);
                base = baseline(o);
            }
            log.printf("round %d: baseline %.1f %% on time (%d due, p99 %.1f ms, CPU %.1f %% of a core, %d failed starts), "
                            + "mcr %.1f %% on time (%d due, p99 %.1f ms, CPU %.1f %%, %d failed starts, %d runners still "
                            + "cycling), load %.1f%n",
                    round, base.onTimePercent(), base.due(), base.delayMillis(99), base.cpuPercent(), base.failedStarts(),
                    ours.onTimePercent(), ours.due(), ours.delayMillis(99), ours.cpuPercent(), ours.failedStarts(),
                    ours.cycling(), MachineInfo.loadAverage());
            report.addRound(List.of(
                    new Comparison("runs on time (%)", base.onTimePercent(), ours.onTimePercent()),
                    new Comparison("runs/s", base.runsPerSecond(), ours.runsPerSecond()),
                    new Comparison("runs due but never started", base.missed(), ours.missed()),
                    new Comparison("start delay p50 (ms), runs that started", base.delayMillis(50), ours.delayMillis(50)),
                    new Comparison("start delay p99 (ms), runs that started", base.delayMillis(99), ours.delayMillis(99)),
                    new Comparison("JVM CPU (% of a core)", base.cpuPercent(), ours.cpuPercent()),
                    new Comparison("JVM CPU µs per run", base.cpuMicrosPerRun(), ours.cpuMicrosPerRun()),
                    new Comparison("shells' CPU (% of a core)", base.childCpuPercent(), ours.childCpuPercent()),
                    new Comparison("failed starts", base.failedStarts(), ours.failedStarts()),
                    new Comparison("runners still cycling at the end", base.cycling(), ours.cycling())));
        }
        report.note("On time = started at most " + ON_TIME.toMillis() + " ms after previous finish + interval, as a share "
                + "of the runs due in the window; a run due but never started (its start failed) counts as not on time. Starts are staggered evenly over the first "
                + "interval on both sides. mcr's times are the started/finished events' own timestamps.");
        report.note("Baseline: one scheduler thread calls ProcessBuilder.start(), Process.onExit() schedules the next "
                + "start; no output is read. mcr: its own scheduler, logging on (the default), one subscriber recording events.");
        return report;
    }

    /** Bookkeeping of due times and delays, shared by both sides; thread-safe. */
    static final class Ledger {
        private final Map<Integer, Instant> dueByRunner = new HashMap<>();
        private final List<Long> delays = new ArrayList<>();
        private final long intervalNanos;
        private Instant windowStart;
        private Instant windowEnd;
        private long due;
        private long onTime;
        private long missed;

        Ledger(Duration interval) {
            this.intervalNanos = interval.toNanos();
        }

        synchronized void window(Instant start, Instant end) {
            windowStart = start;
            windowEnd = end;
        }

        synchronized void finished(int runner, Instant finish) {
            dueByRunner.put(runner, finish.plusNanos(intervalNanos));
        }

        synchronized void started(int runner, Instant start) {
            Instant dueAt = dueByRunner.remove(runner);
            if (dueAt == null || windowStart == null || dueAt.isBefore(windowStart) || dueAt.isAfter(windowEnd)) {
                return;
            }
            long delay = Math.max(0, Duration.between(dueAt, start).toNanos() / 1000);
            due++;
            delays.add(delay);
            if (delay <= ON_TIME.toNanos() / 1000) {
                onTime++;
            }
        }

        /** Counts runs due in the window that never started as due and missed. */
        synchronized Pass close(double seconds, long cpu, long childCpu, long failedStarts, int cycling) {
            Instant lastCountable = windowEnd.minus(ON_TIME);
            for (Instant d : dueByRunner.values()) {
                if (!d.isBefore(windowStart) && d.isBefore(lastCountable)) {
                    due++;
                    missed++;
                }
            }
            dueByRunner.clear();
            return new Pass(due, onTime, List.copyOf(delays), missed, seconds, cpu, childCpu, failedStarts, cycling);
        }
    }

    /**
     * The baseline: a single-threaded scheduler spawns {@code bash -c true} per runner, and each process's exit
     * schedules that runner's next spawn one interval later.
     *
     * @param o the options
     * @return the pass
     * @throws InterruptedException when interrupted
     */
    public static Pass baseline(Options o) throws InterruptedException {
        Ledger ledger = new Ledger(o.interval());
        ScheduledExecutorService ses = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "bench-scheduler");
            t.setDaemon(true);
            return t;
        });
        List<Process> live = java.util.Collections.synchronizedList(new ArrayList<>());
        AtomicLong failures = new AtomicLong();
        java.util.Set<Integer> cycling = java.util.concurrent.ConcurrentHashMap.newKeySet();
        try {
            long staggerNanos = o.interval().toNanos() / o.runners();
            for (int i = 0; i < o.runners(); i++) {
                int runner = i;
                cycling.add(runner);
                ses.schedule(new Runnable() {
                    @Override
                    public void run() {
                        Process p;
                        try {
                            p = new ProcessBuilder("bash", "-c", "true").start();
                        } catch (IOException e) {
                            // Like mcr: a failed scheduled start ends that runner's series.
                            failures.incrementAndGet();
                            cycling.remove(runner);
                            return;
                        }
                        ledger.started(runner, Instant.now());
                        live.add(p);
                        Runnable next = this;
                        p.onExit().thenRun(() -> {
                            live.remove(p);
                            ledger.finished(runner, Instant.now());
                            try {
                                ses.schedule(next, o.interval().toNanos(), TimeUnit.NANOSECONDS);
                            } catch (RejectedExecutionException shutDown) {
                                // The pass is over.
                            }
                        });
                    }
                }, staggerNanos * i, TimeUnit.NANOSECONDS);
            }
            return measure(o, ledger, failures::get, cycling::size);
        } finally {
            ses.shutdownNow();
            ses.awaitTermination(10, TimeUnit.SECONDS);
            for (Process p : List.copyOf(live)) {
                p.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    private static Pass engine(Options o, Path dir) throws InterruptedException {
        Ledger ledger = new Ledger(o.interval());
        if (o.interval().toMillis() % 1000 != 0) {
            throw new IllegalArgumentException("mcr schedules in whole seconds; the interval must be a multiple of 1000 ms.");
        }
        List<String> ids = new ArrayList<>();
        Map<String, Integer> index = new HashMap<>();
        List<Runner> runners = new ArrayList<>();
        for (int i = 0; i < o.runners(); i++) {
            String id = String.format("bench-scale-%04d", i);
            ids.add(id);
            index.put(id, i);
            runners.add(Runner.builder(id).command("true").every(o.interval()).unlimitedRuns().build());
        }
        AtomicLong failures = new AtomicLong();
        Consumer<McrEvent> recorder = e -> {
            if (e instanceof CaseError c && c.error().startsWith("Scheduled start failed")) {
                failures.incrementAndGet();
            } else if (e instanceof RunStarted s) {
                Integer i = index.get(s.runnerId());
                if (i != null) {
                    ledger.started(i, s.ts());
                }
            } else if (e instanceof RunFinished f) {
                Integer i = index.get(f.runnerId());
                if (i != null) {
                    ledger.finished(i, f.ts());
                }
            }
        };
        try (Mcr mcr = Mcr.builder().dataDir(dir).seedDemo(false).shell(LinePipelineBench.SHELL).build();
             Subscription sub = mcr.subscribe(recorder)) {
            mcr.saveState(mcr.state().withRunners(runners));
            long staggerNanos = o.interval().toNanos() / o.runners();
            long t0 = System.nanoTime();
            Thread starter = new Thread(() -> {
                for (int i = 0; i < ids.size(); i++) {
                    long wait = t0 + staggerNanos * i - System.nanoTime();
                    if (wait > 0) {
                        java.util.concurrent.locks.LockSupport.parkNanos(wait);
                    }
                    try {
                        mcr.start(ids.get(i));
                    } catch (McrException e) {
                        // The same spawn failure as a scheduled start: that runner never cycles.
                        failures.incrementAndGet();
                    }
                }
            }, "bench-starter");
            starter.start();
            Pass p = measure(o, ledger, failures::get, () -> (int) mcr.status().values().stream()
                    .filter(st -> st.running() || st.scheduled()).count());
            starter.join();
            if (sub.dropped() > 0) {
                throw new IllegalStateException("The recording subscriber lost " + sub.dropped() + " events.");
            }
            return p;
        }
    }

    /** Waits out the warm-up, measures CPU over the window, and closes the ledger at its end. */
    private static Pass measure(Options o, Ledger ledger, java.util.function.LongSupplier failedStarts,
                                java.util.function.IntSupplier cycling) throws InterruptedException {
        long startNanos = System.nanoTime();
        Instant start = Instant.now();
        Instant windowStart = start.plus(o.warmup());
        Instant windowEnd = start.plus(o.duration());
        ledger.window(windowStart, windowEnd);
        sleepUntil(startNanos + o.warmup().toNanos());
        long cpu0 = ProcStats.selfCpuNanos();
        long child0 = ProcStats.childrenCpuNanos();
        long w0 = System.nanoTime();
        sleepUntil(startNanos + o.duration().toNanos());
        long cpu = ProcStats.selfCpuNanos() - cpu0;
        long child = ProcStats.childrenCpuNanos() - child0;
        double seconds = (System.nanoTime() - w0) / 1e9;
        return ledger.close(seconds, cpu, child, failedStarts.getAsLong(), cycling.getAsInt());
    }

    private static void sleepUntil(long nanoTime) throws InterruptedException {
        long left;
        while ((left = nanoTime - System.nanoTime()) > 0) {
            TimeUnit.NANOSECONDS.sleep(left);
        }
    }
}
