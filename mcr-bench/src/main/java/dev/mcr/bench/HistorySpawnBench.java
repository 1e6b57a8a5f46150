package dev.mcr.bench;

import dev.mcr.Mcr;
import dev.mcr.event.Subscription;
import dev.mcr.model.Runner;
import dev.mcr.store.RunQuery;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What recording a run costs: the spawn benchmark (benchmark 2's mcr side: `true` started again as soon as it ended)
 * on two instances, one with the run history off (the baseline) and one with it on (a record written at the start
 * and completed at the end, an output file per run, retention), round by round in alternating order.
 */
public final class HistorySpawnBench {

    private HistorySpawnBench() {
    }

    /**
     * Runs the benchmark.
     *
     * @param o   the options (as for benchmark 2)
     * @param dir an empty folder for the two instances' data
     * @param log progress lines
     * @return the report: runs/s and this JVM's CPU per run, history off vs on, per round
     * @throws IOException          when a folder cannot be made
     * @throws InterruptedException when interrupted
     */
    public static Report run(SpawnBench.Options o, Path dir, PrintStream log) throws IOException, InterruptedException {
        Report report = new Report("2h. Spawn with the run history off (baseline) vs on (mcr): `true` started again as "
                + "soon as it ended (`setsid bash -c`, start, wait for the finished event)");
        SpawnBench.Finished offDone = new SpawnBench.Finished();
        SpawnBench.Finished onDone = new SpawnBench.Finished();
        try (Mcr off = Mcr.builder().dataDir(Files.createDirectories(dir.resolve("off"))).seedDemo(false)
                .shell(LinePipelineBench.SHELL).recordRuns(false).build();
             Mcr on = Mcr.builder().dataDir(Files.createDirectories(dir.resolve("on"))).seedDemo(false)
                     .shell(LinePipelineBench.SHELL).build()) {
            Runner r = Runner.builder("bench-spawn").command("true").runs(1).build();
            off.saveRunner(r);
            on.saveRunner(r);
            try (Subscription a = off.subscribe(offDone); Subscription b = on.subscribe(onDone)) {
                if (!o.warmup().isZero()) {
                    log.println("warm-up: " + o.warmup().toMillis() + " ms each side");
                    SpawnBench.engine(off, r.id(), offDone, o.warmup());
                    SpawnBench.engine(on, r.id(), onDone, o.warmup());
                }
                for (int round = 1; round <= o.rounds(); round++) {
                    SpawnBench.Pass base;
                    SpawnBench.Pass ours;
                    if (round % 2 == 1) {
                        base = SpawnBench.engine(off, r.id(), offDone, o.duration());
                        ours = SpawnBench.engine(on, r.id(), onDone, o.duration());
                    } else {
                        ours = SpawnBench.engine(on, r.id(), onDone, o.duration());
                        base = SpawnBench.engine(off, r.id(), offDone, o.duration());
                    }
                    log.printf("round %d: history off %s runs/s (%s µs CPU/run), on %s runs/s (%s µs CPU/run), "
                                    + "load %.1f%n", round, Report.format(base.runsPerSecond()),
                            Report.format(base.cpuMicrosPerRun()), Report.format(ours.runsPerSecond()),
                            Report.format(ours.cpuMicrosPerRun()), MachineInfo.loadAverage());
                    report.addRound(List.of(
                            new Comparison("runs/s", base.runsPerSecond(), ours.runsPerSecond()),
                            new Comparison("JVM CPU µs per run", base.cpuMicrosPerRun(), ours.cpuMicrosPerRun())));
                }
            }
            report.note("Records kept by the instance with the history on: "
                    + on.runs(RunQuery.newest(RunQuery.MAX_LIMIT)).items().size() + "+ (newest "
                    + RunQuery.MAX_LIMIT + " listed; retention keeps 1000 per runner).");
        }
        report.note("Only the spawning JVM's own CPU is counted per run (the shells' CPU is the same on both sides).");
        return report;
    }
}
