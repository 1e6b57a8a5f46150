package dev.mcr.bench;

import dev.mcr.Mcr;
import dev.mcr.bus.EventBus;
import dev.mcr.event.McrEvent;
import dev.mcr.event.OutputLine;
import dev.mcr.event.Subscription;
import dev.mcr.model.CaseRule;
import dev.mcr.model.Runner;
import dev.mcr.process.ShellProcess;
import dev.mcr.runtime.CaseMatcher;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Diagnostic of benchmark 1: the line pipeline taken apart, stage by stage, with mcr-core's public pieces
 * (ShellProcess, CaseMatcher, EventBus) and finally the whole engine. For every stage: lines/s and this JVM's
 * CPU per line, each next to the bare loop of the same round, and how often the subscriber thread was switched
 * out (a park/unpark hand-off) per 1000 lines. Tells where the engine's time goes.
 */
final class LineBreakdown {

    private static final String END_MARKER = "bench-end";
    private static final String SUBSCRIBER_THREADS = "mcr-events-";

    private LineBreakdown() {
    }

    /** One stage; returns the lines it delivered and the subscriber's context switches (0 without one). */
    private interface Stage {
        long[] run() throws Exception;
    }

    static Report run(String command, int rounds, Path dir, PrintStream log) throws Exception {
        Report report = new Report("1b. Line pipeline taken apart: `" + command + "` — each stage vs. the bare "
                + "BufferedReader + 10× find() loop of the same round");
        List<Pattern> patterns = LinePipelineBench.CASES.stream().map(c -> Pattern.compile(c.java())).toList();
        List<CaseRule> rules = LinePipelineBench.CASES.stream()
                .map(c -> CaseRule.of(c.python(), c.template(), c.state())).toList();
        try (Mcr mcr = Mcr.builder().dataDir(dir).seedDemo(false).shell(LinePipelineBench.SHELL)
                .eventQueueCapacity(LinePipelineBench.SUBSCRIBER_QUEUE).build()) {
            Runner runner = mcr.saveRunner(LinePipelineBench.runner("bench-breakdown", command));
            LinePipelineBench.Tally tally = new LinePipelineBench.Tally();
            Subscription engineSub = mcr.subscribe(tally);
            Map<String, Stage> stages = new LinkedHashMap<>();
            stages.put("bare: BufferedReader only", () -> new long[] {bareRead(command), 0});
            stages.put("mcr: ShellProcess.pump (LineReader) only", () -> new long[] {pump(command, line -> { }), 0});
            stages.put("mcr: pump + CaseMatcher.match", () -> {
                CaseMatcher m = CaseMatcher.compile(rules, (r, e) -> { });
                return new long[] {pump(command, m::match), 0};
            });
            stages.put("mcr: pump + CaseMatcher.match, constant clock (no System.nanoTime)", () -> {
                CaseMatcher m = CaseMatcher.compile(rules, (r, e) -> { }, CaseMatcher.DEFAULT_MATCH_BUDGET, () -> 0L);
                return new long[] {pump(command, m::match), 0};
            });
            stages.put("mcr: pump + EventBus, 1 subscriber", () -> withBus(command, null));
            stages.put("mcr: pump + CaseMatcher + EventBus", () ->
                    withBus(command, CaseMatcher.compile(rules, (r, e) -> { })));
            stages.put("mcr: whole engine (Mcr.start, 1 subscriber)", () -> {
                long s0 = ProcStats.threadSwitches(SUBSCRIBER_THREADS);
                LinePipelineBench.Pass p = LinePipelineBench.engine(mcr, runner.id(), tally, engineSub);
                return new long[] {p.lines(), ProcStats.threadSwitches(SUBSCRIBER_THREADS) - s0};
            });
            for (int round = 0; round <= rounds; round++) {
                List<Comparison> figures = new ArrayList<>();
                double[] base = measure(() -> new long[] {LinePipelineBench.baseline(command, patterns).lines(), 0});
                for (Map.Entry<String, Stage> s : stages.entrySet()) {
                    double[] r = measure(s.getValue());
                    figures.add(new Comparison(s.getKey() + " — lines/s", base[0], r[0]));
                    figures.add(new Comparison(s.getKey() + " — JVM CPU ns/line", base[1], r[1]));
                    if (r[2] > 0) {
                        figures.add(new Comparison(s.getKey() + " — subscriber switches per 1000 lines", Double.NaN, r[2]));
                    }
                }
                if (round == 0) {
                    log.println("breakdown warm-up round done");
                    continue;
                }
                log.println("breakdown round " + round + " done, load " + MachineInfo.loadAverage());
                report.addRound(figures);
            }
            engineSub.close();
        }
        report.note("Round 0 (warm-up) is not shown. Baseline column: the bare loop (BufferedReader + 10 patterns) "
                + "of the same round; CPU is this JVM's CPU time (all threads) divided by the lines delivered. A stage "
                + "whose subscriber fell behind lost events, which shows as fewer lines/s.");
        report.note("Subscriber switches: voluntary + involuntary context switches of the mcr-events-N thread "
                + "(/proc/self/task/*/status); about 1000 per 1000 lines means one park/unpark hand-off per event.");
        return report;
    }

    /** Runs a stage; returns lines/s, this JVM's CPU ns per line and subscriber switches per 1000 lines. */
    private static double[] measure(Stage stage) throws Exception {
        long cpu0 = ProcStats.selfCpuNanos();
        long t0 = System.nanoTime();
        long[] r = stage.run();
        long t1 = System.nanoTime();
        long cpu = ProcStats.selfCpuNanos() - cpu0;
        long lines = r[0];
        return new double[] {lines / ((t1 - t0) / 1e9), (double) cpu / lines, 1000.0 * r[1] / lines};
    }

    /** Runs {@code bash -c command} and counts its output lines with a bare {@code BufferedReader}. */
    static long bareRead(String command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("bash", "-c", command).redirectErrorStream(true).start();
        long lines = 0;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            while (r.readLine() != null) {
                lines++;
            }
        }
        p.waitFor();
        return lines;
    }

    private static long pump(String command, Consumer<String> sink) throws IOException, InterruptedException {
        long[] lines = new long[1];
        try (ShellProcess p = ShellProcess.start(LinePipelineBench.SHELL, command, Map.of(), null)) {
            p.pump(line -> {
                lines[0]++;
                sink.accept(line);
            });
        }
        return lines[0];
    }

    /** Pumps into an event bus drained by one subscriber; returns lines received and the subscriber's switches. */
    private static long[] withBus(String command, CaseMatcher matcher) throws Exception {
        try (EventBus bus = new EventBus(10, 7000)) {
            long[] received = new long[1];
            CountDownLatch done = new CountDownLatch(1);
            CountDownLatch started = new CountDownLatch(1);
            bus.subscribe((McrEvent e) -> {
                if (e instanceof OutputLine o) {
                    if (o.runnerId().equals(END_MARKER)) {
                        done.countDown();
                    } else if (o.runnerId().equals("bench-start")) {
                        started.countDown();
                    } else {
                        received[0]++;
                    }
                }
            });
            // The subscriber thread exists (and has a name the kernel shows) once it handled a first event.
            bus.publish(new OutputLine("bench-start", ""));
            if (!started.await(1, TimeUnit.MINUTES)) {
                throw new IllegalStateException("The subscriber did not start within a minute.");
            }
            long s0 = ProcStats.threadSwitches(SUBSCRIBER_THREADS);
            pump(command, line -> {
                bus.publish(new OutputLine("bench", line));
                if (matcher != null) {
                    matcher.match(line);
                }
            });
            // The marker itself is lost when the queue is full: publish it again until it gets through.
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
            do {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("The subscriber did not drain the bus within 5 minutes.");
                }
                bus.publish(new OutputLine(END_MARKER, ""));
            } while (!done.await(10, TimeUnit.MILLISECONDS));
            long switches = ProcStats.threadSwitches(SUBSCRIBER_THREADS) - s0;
            return new long[] {received[0], switches};
        }
    }
}
