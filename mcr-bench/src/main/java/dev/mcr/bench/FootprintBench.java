package dev.mcr.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Benchmark 4, footprint: the server jar's startup time to its first 200 on {@code /api/state} against a
 * {@code java -version} and a hello-world JVM started in the same run; its idle resident size and heap against an
 * idle trivial JVM; and its largest resident size during a flood of the event stream against its own idle size.
 * All JVMs run with the same default options (no {@code -Xmx}).
 */
public final class FootprintBench {

    /** How long a JVM is left alone, by default, before its idle size is read. */
    public static final Duration DEFAULT_SETTLE = Duration.ofSeconds(3);

    /**
     * What to run.
     *
     * @param jar     the server jar
     * @param clients event-stream clients during the flood
     * @param lines   lines of the flood's {@code seq} runner
     * @param rounds  rounds (each starts the server afresh)
     * @param floods  floods per round, one after the other, to show the size stays bounded
     * @param serverJvmArgs extra options of the server's JVM, for example {@code -Xmx128m}; may be empty
     * @param settle  how long a JVM is left alone before its idle size is read
     */
    public record Options(Path jar, int clients, long lines, int rounds, int floods, List<String> serverJvmArgs,
                          Duration settle) {
        /** Validates. */
        public Options {
            if (clients < 1 || lines < 1 || rounds < 1 || floods < 1 || settle.isNegative()) {
                throw new IllegalArgumentException("clients, lines, rounds and floods must be at least 1, the settle "
                        + "time not negative.");
            }
            serverJvmArgs = List.copyOf(serverJvmArgs);
        }
    }

    private FootprintBench() {
    }

    /**
     * Runs the benchmark.
     *
     * @param o   the options
     * @param dir an empty folder; each round's server gets a fresh data folder in it
     * @param log progress lines
     * @return the report
     * @throws Exception when a process fails
     */
    public static Report run(Options o, Path dir, PrintStream log) throws Exception {
        String options = o.serverJvmArgs().isEmpty() ? "" : String.join(" ", o.serverJvmArgs()) + " ";
        Report report = new Report("4. Footprint: server jar (`java " + options + "-jar mcr-server.jar`) vs. "
                + "trivial JVMs (default options) started in the same run");
        Path cp = Path.of(IdleJvm.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        for (int round = 1; round <= o.rounds(); round++) {
            double javaVersionMs = millis(List.of(MachineInfo.javaBinary(), "-version"));
            double helloMs = millis(List.of(MachineInfo.javaBinary(), "-cp", cp.toString(), IdleJvm.class.getName()));
            long[] idle = idleJvm(cp, o.settle());
            Path data = dir.resolve("data-" + round);
            double firstStartMs;
            try (ServerProcess first = ServerProcess.start(o.jar(), data, o.serverJvmArgs())) {
                firstStartMs = first.startupNanos() / 1e6;
            }
            try (ServerProcess server = ServerProcess.start(o.jar(), data, o.serverJvmArgs())) {
                double startupMs = server.startupNanos() / 1e6;
                TimeUnit.NANOSECONDS.sleep(o.settle().toNanos());
                long rss = server.rssKiB();
                long[] heap = server.heapKiB();
                EventStreamBench.configure(server, o.lines(), 1000, 10);
                List<EventStreamBench.Flood> floods = new ArrayList<>();
                for (int f = 0; f < o.floods(); f++) {
                    floods.add(EventStreamBench.flood(server, o.clients(), o.lines(), true));
                }
                long rssAfter = server.rssKiB();
                EventStreamBench.Flood first = floods.get(0);
                EventStreamBench.Flood last = floods.get(floods.size() - 1);
                log.printf(Locale.ROOT, "round %d: java -version %.0f ms, hello %.0f ms, server first start %.0f ms, restart %.0f "
                                + "ms; idle RSS %d KiB (trivial JVM %d KiB), heap used %d KiB (trivial %d KiB); max RSS per "
                                + "flood %s KiB, after %d KiB, worst loss per flood %s, load %.1f%n", round, javaVersionMs,
                        helloMs, firstStartMs, startupMs, rss,
                        idle[0], heap[0], idle[1], floods.stream().map(f -> Long.toString(f.maxRssKiB())).toList(),
                        rssAfter, floods.stream().map(f -> Long.toString(f.worstLoss())).toList(),
                        MachineInfo.loadAverage());
                List<Comparison> figures = new ArrayList<>();
                figures.add(new Comparison("first start ms, empty data folder (baseline: hello-world JVM)", helloMs,
                        firstStartMs));
                figures.add(new Comparison("restart ms (baseline: java -version)", javaVersionMs, startupMs));
                figures.add(new Comparison("restart ms (baseline: hello-world JVM)", helloMs, startupMs));
                figures.add(new Comparison("idle RSS MiB (baseline: idle trivial JVM)", idle[0] / 1024.0, rss / 1024.0));
                figures.add(new Comparison("idle heap used MiB (baseline: idle trivial JVM)", idle[1] / 1024.0,
                        heap[0] / 1024.0));
                figures.add(new Comparison("max RSS MiB, flood 1 of " + o.floods() + " (baseline: own idle RSS)",
                        rss / 1024.0, first.maxRssKiB() / 1024.0));
                if (o.floods() > 1) {
                    figures.add(new Comparison("max RSS MiB, flood " + o.floods() + " of " + o.floods()
                            + " (baseline: flood 1)", first.maxRssKiB() / 1024.0, last.maxRssKiB() / 1024.0));
                }
                report.addRound(figures);
            }
        }
        report.note("Startup = process start to the first 200 on GET /api/state (polled every 2 ms over a raw socket). "
                + "First start: an empty data folder (SQLite created, every migration applied, demo runners seeded); "
                + "restart: the same folder again, as after an upgrade or reboot (the idle and flood figures are of this "
                + "second server). java -version and the hello-world JVM (this module's IdleJvm, printing one line) are "
                + "timed from start to exit.");
        report.note("Idle = " + o.settle().toMillis() + " ms after the first 200 (server) or after `ready` (trivial JVM); RSS is "
                + "VmRSS of /proc/<pid>/status, heap is `used` of `jcmd <pid> GC.heap_info`.");
        report.note("Flood = " + o.clients() + " SSE clients receiving `seq 1 " + o.lines() + "` (benchmark 3), "
                + o.floods() + " floods in a row per server, the server's VmRSS sampled every 10 ms. Server JVM options: "
                + (o.serverJvmArgs().isEmpty() ? "none (JVM defaults)" : String.join(" ", o.serverJvmArgs())) + ".");
        return report;
    }

    /** Wall time of a command from start to exit, in milliseconds. */
    private static double millis(List<String> cmd) throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        p.waitFor();
        return (System.nanoTime() - t0) / 1e6;
    }

    /** Starts an idle trivial JVM, waits for it to settle, returns its RSS and used heap in KiB. */
    private static long[] idleJvm(Path cp, Duration settle) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(MachineInfo.javaBinary(), "-cp", cp.toString(), IdleJvm.class.getName(), "--idle")
                .redirectErrorStream(true).start();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String first = r.readLine();
            if (!"ready".equals(first)) {
                throw new IOException("The idle JVM printed '" + first + "' instead of 'ready'.");
            }
            TimeUnit.NANOSECONDS.sleep(settle.toNanos());
            long rss = ProcStats.rssKiB(p.pid());
            long[] heap = ServerProcess.heapKiB(p.pid());
            return new long[] {rss, heap[0]};
        } finally {
            p.destroy();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
