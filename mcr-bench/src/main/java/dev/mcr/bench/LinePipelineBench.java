package dev.mcr.bench;

import dev.mcr.Mcr;
import dev.mcr.event.CaseMatched;
import dev.mcr.event.McrEvent;
import dev.mcr.event.OutputLine;
import dev.mcr.event.RunFinished;
import dev.mcr.event.Subscription;
import dev.mcr.model.CaseState;
import dev.mcr.model.Runner;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Benchmark 1, the line pipeline: a runner printing N lines through the real engine (reader, ten cases,
 * output ring buffer, event bus with one subscriber draining every event) against a bare Java loop that runs
 * the same command with {@link ProcessBuilder}, reads it with a {@link BufferedReader} and applies the same
 * ten patterns with {@link Matcher#find()}.
 */
public final class LinePipelineBench {

    /** The shell both sides use: a non-login bash (mcr in its own session, as it always does). */
    public static final List<String> SHELL = List.of("setsid", "bash", "-c");

    /**
     * One case of the benchmark: the pattern in Python syntax for mcr and its Java twin for the baseline.
     *
     * @param python   the pattern as a user writes it (Python {@code re})
     * @param java     the same pattern for {@link java.util.regex}
     * @param state    the case's state
     * @param template the message template
     */
    public record CaseSpec(String python, String java, CaseState state, String template) {
    }

    /**
     * Ten realistic log patterns. On {@code seq} output the last two match: lines ending in 777 (0.1 %)
     * and multiples of 100000.
     */
    /**
     * The subscriber's queue: the server's per-client size. With the library's default of 7000 the benchmark's
     * single listener thread, not the engine, would be what loses events once the engine outruns it.
     */
    static final int SUBSCRIBER_QUEUE = 131_072;

    public static final List<CaseSpec> CASES = List.of(
            new CaseSpec("ERROR|FATAL|CRITICAL", "ERROR|FATAL|CRITICAL", CaseState.DOWN, "error: {match}"),
            new CaseSpec("(?i)\\bwarn(ing)?\\b", "(?i)\\bwarn(ing)?\\b", CaseState.WARN, "warning seen"),
            new CaseSpec("[Cc]onnection (refused|reset|timed out)", "[Cc]onnection (refused|reset|timed out)",
                    CaseState.DOWN, "connection {g1}"),
            new CaseSpec("disk usage (?P<pct>\\d+)%", "disk usage (?<pct>\\d+)%", CaseState.WARN, "disk at {pct}%"),
            new CaseSpec("^(\\d{4})-(\\d{2})-(\\d{2})[ T](\\d{2}):(\\d{2})", "^(\\d{4})-(\\d{2})-(\\d{2})[ T](\\d{2}):(\\d{2})",
                    CaseState.INFO, "dated {g1}-{g2}-{g3}"),
            new CaseSpec("HTTP/1\\.[01]\" (?P<status>5\\d\\d) ", "HTTP/1\\.[01]\" (?<status>5\\d\\d) ", CaseState.DOWN,
                    "server error {status}"),
            new CaseSpec("took (\\d+(?:\\.\\d+)?) ?ms", "took (\\d+(?:\\.\\d+)?) ?ms", CaseState.INFO, "slow: {g1} ms"),
            new CaseSpec("OutOfMemoryError|StackOverflowError|Segmentation fault",
                    "OutOfMemoryError|StackOverflowError|Segmentation fault", CaseState.DOWN, "crash: {match}"),
            new CaseSpec("^(?P<n>\\d*777)$", "^(?<n>\\d*777)$", CaseState.DOWN, "lucky {n}"),
            new CaseSpec("(?P<round>\\d+)00000$", "(?<round>\\d+)00000$", CaseState.UP, "milestone {round}"));

    /**
     * What to run.
     *
     * @param lines       lines the measured command prints
     * @param warmupLines lines of the untimed warm-up pass of each side
     * @param rounds      measured rounds; the order of the two sides alternates
     * @param command     the command, or {@code null} for {@code seq 1 <lines>}
     */
    public record Options(long lines, long warmupLines, int rounds, String command) {
        /** Validates. */
        public Options {
            if (lines < 1 || warmupLines < 0 || rounds < 1) {
                throw new IllegalArgumentException("lines and rounds must be at least 1 and warm-up lines not negative.");
            }
        }

        /** Returns the command the measured passes run. */
        public String measuredCommand() {
            return command != null ? command : "seq 1 " + lines;
        }
    }

    /**
     * The outcome of one pass.
     *
     * @param lines   lines read (by the baseline) or received by the subscriber (mcr)
     * @param hits    pattern matches found (baseline) or case_match events received (mcr)
     * @param seconds from the start of the process to the end (baseline: exit; mcr: the finished event received)
     * @param dropped events the subscriber lost because its queue was full (always 0 for the baseline)
     * @param cpuNanos CPU time this JVM used during the pass, all threads
     */
    public record Pass(long lines, long hits, double seconds, long dropped, long cpuNanos) {
        /**
         * Returns lines per second.
         *
         * @param printed the lines the command printed (a subscriber that lost events still had them all read,
         *                matched and buffered by the engine)
         * @return lines per second
         */
        public double linesPerSecond(long printed) {
            return printed / seconds;
        }

        /**
         * Returns this JVM's CPU time per line.
         *
         * @param printed the lines the command printed
         * @return nanoseconds per line
         */
        public double cpuNanosPerLine(long printed) {
            return (double) cpuNanos / printed;
        }
    }

    private LinePipelineBench() {
    }

    /**
     * Runs the benchmark.
     *
     * @param o   the options
     * @param dir an empty folder for mcr's data
     * @param log progress lines
     * @return the report: lines/s of both sides per round
     * @throws IOException          when a process cannot be started
     * @throws InterruptedException when interrupted
     */
    public static Report run(Options o, Path dir, PrintStream log) throws IOException, InterruptedException {
        Report report = new Report("1. Line pipeline: `" + o.measuredCommand() + "`, 10 cases — bare BufferedReader + "
                + "find() loop vs. mcr engine (reader, matcher, ring buffer, event bus, 1 subscriber)");
        List<Pattern> patterns = CASES.stream().map(c -> Pattern.compile(c.java())).toList();
        Tally tally = new Tally();
        try (Mcr mcr = Mcr.builder().dataDir(dir).seedDemo(false).shell(SHELL)
                .eventQueueCapacity(SUBSCRIBER_QUEUE).build()) {
            Runner warm = mcr.saveRunner(runner("bench-lines-warmup", "seq 1 " + Math.max(1, o.warmupLines())));
            Runner measured = mcr.saveRunner(runner("bench-lines", o.measuredCommand()));
            try (Subscription sub = mcr.subscribe(tally)) {
                if (o.warmupLines() > 0) {
                    log.println("warm-up: " + o.warmupLines() + " lines each side");
                    baseline(warm.execution().command(), patterns);
                    engine(mcr, warm.id(), tally, sub);
                }
                long baseHits = -1;
                long mcrHits = -1;
                long maxDropped = 0;
                long minLines = Long.MAX_VALUE;
                for (int round = 1; round <= o.rounds(); round++) {
                    Pass base;
                    Pass ours;
                    if (round % 2 == 1) {
                        base = baseline(measured.execution().command(), patterns);
                        ours = engine(mcr, measured.id(), tally, sub);
                    } else {
                        ours = engine(mcr, measured.id(), tally, sub);
                        base = baseline(measured.execution().command(), patterns);
                    }
                    long printed = base.lines();
                    log.printf("round %d: baseline %s lines/s (%d lines, %.2f s), mcr %s lines/s (%d lines received, "
                                    + "%.2f s, %d dropped), load %.1f%n", round, Report.format(base.linesPerSecond(printed)),
                            base.lines(), base.seconds(), Report.format(ours.linesPerSecond(printed)), ours.lines(),
                            ours.seconds(), ours.dropped(), MachineInfo.loadAverage());
                    report.addRound(List.of(
                            new Comparison("lines/s", base.linesPerSecond(printed), ours.linesPerSecond(printed)),
                            new Comparison("JVM CPU ns per line", base.cpuNanosPerLine(printed), ours.cpuNanosPerLine(printed))));
                    baseHits = base.hits();
                    mcrHits = ours.hits();
                    maxDropped = Math.max(maxDropped, ours.dropped());
                    minLines = Math.min(minLines, ours.lines());
                }
                report.note("Per pass: " + o.measuredCommand() + " printed the lines; the mcr subscriber received at least "
                        + minLines + " output events and lost at most " + maxDropped + " events (its queue of "
                        + SUBSCRIBER_QUEUE + " was "
                        + "full). lines/s counts the lines printed, from the start to the end of the process (baseline) "
                        + "or to the finished event received (mcr).");
                report.note("Matches in the last pass: baseline " + baseHits + " pattern hits, mcr " + mcrHits
                        + " case_match events received (equal unless the subscriber lost events).");
            }
        }
        report.note("Baseline: `bash -c <command>` read by BufferedReader.readLine(), each line through the 10 patterns "
                + "compiled by Pattern.compile (default flags) with reused Matchers; mcr: `setsid bash -c <command>`, "
                + "patterns in Python syntax, translated and compiled by mcr, every event drained by one subscriber.");
        return report;
    }

    static Runner runner(String id, String command) {
        Runner.Builder b = Runner.builder(id).command(command).runs(1);
        for (CaseSpec c : CASES) {
            b.onMatch(c.python(), c.state(), c.template());
        }
        return b.build();
    }

    /**
     * The bare loop: spawns {@code bash -c <command>}, reads lines and applies the patterns.
     *
     * @param command  the command
     * @param patterns the compiled patterns
     * @return the pass
     * @throws IOException          when the process cannot be started or read
     * @throws InterruptedException when interrupted
     */
    public static Pass baseline(String command, List<Pattern> patterns) throws IOException, InterruptedException {
        Matcher[] matchers = patterns.stream().map(p -> p.matcher("")).toArray(Matcher[]::new);
        long lines = 0;
        long hits = 0;
        long cpu0 = ProcStats.selfCpuNanos();
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder("bash", "-c", command).redirectErrorStream(true).start();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                lines++;
                for (Matcher m : matchers) {
                    m.reset(line);
                    while (m.find()) {
                        hits++;
                    }
                }
            }
        }
        p.waitFor();
        long t1 = System.nanoTime();
        return new Pass(lines, hits, (t1 - t0) / 1e9, 0, ProcStats.selfCpuNanos() - cpu0);
    }

    static Pass engine(Mcr mcr, String runnerId, Tally tally, Subscription sub) throws InterruptedException {
        long droppedBefore = sub.dropped();
        Tally.Count count = tally.arm(runnerId);
        long cpu0 = ProcStats.selfCpuNanos();
        long t0 = System.nanoTime();
        mcr.start(runnerId);
        long deadline = t0 + TimeUnit.MINUTES.toNanos(10);
        long endedSeen = 0;
        while (!count.finished.await(20, TimeUnit.MILLISECONDS)) {
            long now = System.nanoTime();
            if (now > deadline) {
                throw new IllegalStateException("The runner did not finish within 10 minutes.");
            }
            // A subscriber that fell behind may have lost the finished event itself: then the run's end is
            // taken from the status, and the pass ends once the subscriber has been idle for a second.
            if (endedSeen == 0 && !mcr.status().get(runnerId).running()) {
                endedSeen = now;
            } else if (endedSeen != 0 && now - endedSeen > TimeUnit.SECONDS.toNanos(1) && sub.dropped() > droppedBefore) {
                return new Pass(count.lines, count.hits, (endedSeen - t0) / 1e9, sub.dropped() - droppedBefore,
                        ProcStats.selfCpuNanos() - cpu0);
            }
        }
        long t1 = System.nanoTime();
        return new Pass(count.lines, count.hits, (t1 - t0) / 1e9, sub.dropped() - droppedBefore,
                ProcStats.selfCpuNanos() - cpu0);
    }

    /** The one subscriber: counts the output and case events of the armed runner until its finished event. */
    static final class Tally implements Consumer<McrEvent> {
        static final class Count {
            final String runnerId;
            final CountDownLatch finished = new CountDownLatch(1);
            long lines;
            long hits;

            Count(String runnerId) {
                this.runnerId = runnerId;
            }
        }

        private volatile Count current;

        Count arm(String runnerId) {
            Count c = new Count(runnerId);
            current = c;
            return c;
        }

        @Override
        public void accept(McrEvent e) {
            Count c = current;
            if (c == null) {
                return;
            }
            if (e instanceof OutputLine o) {
                if (o.runnerId().equals(c.runnerId)) {
                    c.lines++;
                }
            } else if (e instanceof CaseMatched m) {
                if (m.runnerId().equals(c.runnerId)) {
                    c.hits++;
                }
            } else if (e instanceof RunFinished f && f.runnerId().equals(c.runnerId)) {
                c.finished.countDown();
            }
        }
    }
}
