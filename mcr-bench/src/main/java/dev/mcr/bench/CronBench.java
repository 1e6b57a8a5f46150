package dev.mcr.bench;

import dev.mcr.ImportLimits;
import dev.mcr.Mcr;
import dev.mcr.event.McrEvent;
import dev.mcr.event.RunFinished;
import dev.mcr.event.RunScheduled;
import dev.mcr.event.RunStarted;
import dev.mcr.event.Subscription;
import dev.mcr.model.AppState;
import dev.mcr.model.Runner;
import dev.mcr.model.Schedule;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Benchmark 6, cron start delay: {@code N} cron runners due at the same second (by default every minute at second 0)
 * start {@code true}; the delay of each start (its process spawned) after the due second, p50 and p99, against a bare
 * single-threaded {@link ScheduledExecutorService} (mcr's scheduler has one thread too) that spawns the same
 * {@code setsid bash -c true} at the same kind of due time, in the same run. The two sides take turns at successive
 * due times, so they never run at once.
 */
public final class CronBench {

    /**
     * What to run.
     *
     * @param runners runners (and baseline tasks) due at the same second
     * @param cron    the expression every runner has, 6 fields allowed; {@code "0 * * * * *"} = every minute
     * @param rounds  measured rounds; the order of the two sides alternates
     */
    public record Options(int runners, String cron, int rounds) {
        /** Validates. */
        public Options {
            Schedule.Cron.check(cron, "");
            if (runners < 1 || rounds < 1) {
                throw new IllegalArgumentException("runners and rounds must be at least 1.");
            }
        }
    }

    private static final List<String> BARE = List.of("setsid", "bash", "-c", "true");

    private CronBench() {
    }

    /**
     * Runs the benchmark.
     *
     * @param o   the options
     * @param dir an empty folder for mcr's data
     * @param log progress lines
     * @return the report: start delay p50, p99 and max in ms, both sides, per round
     * @throws Exception when a side does not start all its runs in time, or a process cannot be started
     */
    public static Report run(Options o, Path dir, PrintStream log) throws Exception {
        Report report = new Report("6. Cron start delay: " + o.runners() + " runners due at the same second (`"
                + o.cron() + "`), delay of each spawned `true` after the due second — bare single-threaded "
                + "ScheduledExecutorService + ProcessBuilder vs. mcr cron runners (`setsid bash -c`)");
        Schedule.Cron cron = Schedule.cron(o.cron(), null);
        ImportLimits d = ImportLimits.DEFAULTS;
        // MAX_TOTAL_RUNNERS (500 by default) raised to hold the runners, as an operator would.
        ImportLimits limits = new ImportLimits(d.maxImportBytes(), d.maxImportedRunners(),
                Math.max(d.maxTotalRunners(), o.runners()), d.maxCasesPerRunner());
        try (Mcr mcr = Mcr.builder().dataDir(dir).seedDemo(false).shell(LinePipelineBench.SHELL).importLimits(limits)
                .build()) {
            Collector collector = new Collector();
            try (Subscription sub = mcr.subscribe(collector)) {
                for (int round = 1; round <= o.rounds(); round++) {
                    List<Long> base;
                    List<Long> ours;
                    if (round % 2 == 1) {
                        ours = engine(mcr, collector, o, cron, log);
                        base = baseline(o, cron, mcr.zone());
                    } else {
                        base = baseline(o, cron, mcr.zone());
                        ours = engine(mcr, collector, o, cron, log);
                    }
                    log.printf("round %d: baseline p50 %s ms p99 %s ms, mcr p50 %s ms p99 %s ms, load %.1f%n", round,
                            ms(Stats.percentile(base, 50)), ms(Stats.percentile(base, 99)),
                            ms(Stats.percentile(ours, 50)), ms(Stats.percentile(ours, 99)), MachineInfo.loadAverage());
                    report.addRound(List.of(
                            new Comparison("start delay p50 ms", ms(Stats.percentile(base, 50)),
                                    ms(Stats.percentile(ours, 50))),
                            new Comparison("start delay p99 ms", ms(Stats.percentile(base, 99)),
                                    ms(Stats.percentile(ours, 99))),
                            new Comparison("start delay max ms", ms(Stats.percentile(base, 100)),
                                    ms(Stats.percentile(ours, 100)))));
                }
                if (sub.dropped() > 0) {
                    report.note("The subscriber lost " + sub.dropped() + " events (its queue was full).");
                }
            }
        }
        report.note("A start is its process spawned: mcr's `started` timestamp (taken right after the spawn, after the "
                + "run was recorded in SQLite for crash recovery), the baseline's `Instant.now()` after "
                + "`ProcessBuilder.start()`. Both sides spawn one after another on one scheduler thread, so p99 is "
                + "about N × the cost of one start.");
        return report;
    }

    private static double ms(long micros) {
        return micros / 1000.0;
    }

    /** mcr: saves N cron runners, takes the starts of their first due time, waits for their ends, deletes them. */
    private static List<Long> engine(Mcr mcr, Collector c, Options o, Schedule.Cron cron, PrintStream log)
            throws Exception {
        List<Runner> runners = new ArrayList<>();
        for (int i = 0; i < o.runners(); i++) {
            runners.add(Runner.builder("cron-" + i).command("true").shell(Runner.Execution.BASH)
                    .schedule(cron.with(Schedule.Misfire.SKIP, Schedule.Overlap.SKIP)).build());
        }
        c.reset();
        mcr.saveState(new AppState(List.of(), runners, List.of(), List.of(), Map.of()));
        Instant due = c.awaitDue(o.runners());
        log.println("mcr: " + o.runners() + " runners armed for " + due);
        List<Long> delays = c.awaitStarts(due, o.runners(), Duration.between(Instant.now(), due).plusMinutes(2));
        c.awaitFinished(o.runners(), Duration.ofMinutes(2));
        mcr.saveState(AppState.EMPTY);
        return delays;
    }

    /** The bare side: N tasks at the next due time on one scheduler thread, each spawning {@code true}. */
    private static List<Long> baseline(Options o, Schedule.Cron cron, ZoneId zone) throws Exception {
        Instant due = cron.nextRun(Instant.now(), zone).orElseThrow();
        List<Long> delays = new CopyOnWriteArrayList<>();
        List<Process> processes = new CopyOnWriteArrayList<>();
        ScheduledExecutorService ses = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "bench-baseline-scheduler");
            t.setDaemon(true);
            return t;
        });
        try {
            long delayMillis = Math.max(0, Duration.between(Instant.now(), due).toMillis());
            for (int i = 0; i < o.runners(); i++) {
                ses.schedule(() -> {
                    try {
                        processes.add(new ProcessBuilder(BARE).start());
                        delays.add(Duration.between(due, Instant.now()).toNanos() / 1000);
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                }, delayMillis, TimeUnit.MILLISECONDS);
            }
            ses.shutdown();
            if (!ses.awaitTermination(delayMillis + 120_000, TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("The baseline did not start its processes in time.");
            }
        } finally {
            ses.shutdownNow();
        }
        for (Process p : processes) {
            p.waitFor();
        }
        if (delays.size() != o.runners()) {
            throw new IllegalStateException("The baseline started " + delays.size() + " of " + o.runners() + ".");
        }
        return delays;
    }

    /** Collects the events of one pass. */
    private static final class Collector implements java.util.function.Consumer<McrEvent> {
        private final Map<String, Instant> armed = new ConcurrentHashMap<>();
        private final Map<String, Instant> started = new ConcurrentHashMap<>();
        private final Map<String, Boolean> finished = new ConcurrentHashMap<>();

        void reset() {
            armed.clear();
            started.clear();
            finished.clear();
        }

        @Override
        public void accept(McrEvent e) {
            if (e instanceof RunScheduled s && s.due() != null) {
                armed.putIfAbsent(s.runnerId(), s.due());
            } else if (e instanceof RunStarted s) {
                started.putIfAbsent(s.runnerId(), s.ts());
            } else if (e instanceof RunFinished f) {
                finished.put(f.runnerId(), true);
            }
        }

        Instant awaitDue(int n) throws InterruptedException {
            await(() -> armed.size() >= n, Duration.ofMinutes(1), "the runners to be armed");
            return armed.values().stream().min(Instant::compareTo).orElseThrow();
        }

        List<Long> awaitStarts(Instant due, int n, Duration timeout) throws InterruptedException {
            await(() -> started.size() >= n, timeout, "every runner to start");
            List<Long> out = new ArrayList<>();
            started.values().forEach(ts -> out.add(Duration.between(due, ts).toNanos() / 1000));
            return out;
        }

        void awaitFinished(int n, Duration timeout) throws InterruptedException {
            await(() -> finished.size() >= n, timeout, "every run to end");
        }

        private static void await(java.util.function.BooleanSupplier done, Duration timeout, String what)
                throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!done.getAsBoolean()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Timed out waiting for " + what + ".");
                }
                Thread.sleep(20);
            }
        }
    }
}
