package dev.mcr.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Benchmark 3, the event stream end to end: the real server jar as a separate process, N SSE clients on loopback
 * reading {@code GET /api/events}. Throughput and loss of a {@code seq 1 N} runner's lines per client, against the
 * same command's lines read by a bare local pipe reader; and the latency from a line printed to its event
 * received at a paced rate, against the same printer read through a bare pipe.
 */
public final class EventStreamBench {

    /** The runner printing {@code seq 1 N}. */
    public static final String SEQ_RUNNER = "bench-seq";
    /** The runner printing paced time stamps. */
    public static final String PACED_RUNNER = "bench-paced";

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * What to run.
     *
     * @param jar          the server jar
     * @param lines        lines of the {@code seq} runner
     * @param clients      client counts to measure, for example 1 and 20
     * @param rounds       throughput rounds per client count
     * @param rate         lines per second of the latency printer
     * @param latencyLines lines the latency printer prints
     * @param serverJvmArgs extra options of the server's JVM (for example a flight recording); may be empty
     */
    public record Options(Path jar, long lines, List<Integer> clients, int rounds, int rate, int latencyLines,
                          List<String> serverJvmArgs) {
        /** Validates. */
        public Options {
            if (lines < 1 || clients.isEmpty() || clients.stream().anyMatch(c -> c < 1) || rounds < 1 || rate < 1
                    || latencyLines < 1) {
                throw new IllegalArgumentException("lines, clients, rounds, rate and latency lines must all be at least 1.");
            }
            serverJvmArgs = List.copyOf(serverJvmArgs);
        }
    }

    /**
     * One flood: every client's view of one run of the {@code seq} runner.
     *
     * @param slowestLinesPerSecond lines/s of the slowest client, from the run request to its finished event
     * @param worstLoss             lines the worst client did not receive
     * @param finishedLost          clients that never saw the finished event
     * @param maxRssKiB             the server's largest resident size sampled during the flood
     */
    public record Flood(double slowestLinesPerSecond, long worstLoss, int finishedLost, long maxRssKiB) {
    }

    private EventStreamBench() {
    }

    /**
     * Runs the benchmark.
     *
     * @param o   the options
     * @param dir an empty folder for the server's data
     * @param log progress lines
     * @return the report
     * @throws Exception when the server or a client fails
     */
    public static Report run(Options o, Path dir, PrintStream log) throws Exception {
        Report report = new Report("3. Event stream end to end: server jar (separate JVM), SSE clients on loopback — bare "
                + "pipe reader of the same command vs. mcr runner → /api/events");
        try (ServerProcess server = ServerProcess.start(o.jar(), dir.resolve("data"), o.serverJvmArgs())) {
            log.println("server up on port " + server.port() + " in " + server.startupNanos() / 1_000_000 + " ms");
            configure(server, o.lines(), o.rate(), o.latencyLines());
            // Warm-up: the server's JIT sees the same work once before anything is measured.
            flood(server, 1, o.lines(), false);
            pipeLinesPerSecond("seq 1 " + o.lines());
            List<List<Comparison>> rounds = new ArrayList<>();
            for (int r = 0; r < o.rounds(); r++) {
                rounds.add(new ArrayList<>());
            }
            for (int clients : o.clients()) {
                for (int r = 0; r < o.rounds(); r++) {
                    double pipe = pipeLinesPerSecond("seq 1 " + o.lines());
                    Flood f = flood(server, clients, o.lines(), false);
                    log.printf(Locale.ROOT, "%d client(s), round %d: pipe %s lines/s, slowest SSE client %s lines/s, "
                                    + "worst loss %d, finished lost by %d, load %.1f%n", clients, r + 1, Report.format(pipe),
                            Report.format(f.slowestLinesPerSecond()), f.worstLoss(), f.finishedLost(),
                            MachineInfo.loadAverage());
                    rounds.get(r).add(new Comparison("lines/s per client, " + clients + " client(s)", pipe,
                            f.slowestLinesPerSecond()));
                    rounds.get(r).add(new Comparison("lines lost (worst client), " + clients + " client(s)", 0, f.worstLoss()));
                }
                long[] pipeLat = percentiles(pipeLatencies(printerCommand(o.rate(), o.latencyLines())));
                List<Long> sse = sseLatencies(server, clients, o);
                long[] sseLat = percentiles(sse);
                // Every client should have every line: the rate is far below what the stream carries.
                long pacedLoss = (long) clients * o.latencyLines() - sse.size();
                log.printf(Locale.ROOT, "%d client(s), latency at %d lines/s: pipe p50 %d µs p99 %d µs, SSE p50 %d µs "
                        + "p99 %d µs%n", clients, o.rate(), pipeLat[0], pipeLat[1], sseLat[0], sseLat[1]);
                rounds.get(0).add(new Comparison("latency p50 (µs), " + clients + " client(s)", pipeLat[0], sseLat[0]));
                rounds.get(0).add(new Comparison("latency p99 (µs), " + clients + " client(s)", pipeLat[1], sseLat[1]));
                rounds.get(0).add(new Comparison("lines lost at " + o.rate() + " lines/s (all clients), " + clients
                        + " client(s)", 0, pacedLoss));
            }
            rounds.forEach(report::addRound);
        }
        report.note("Throughput: `seq 1 " + o.lines() + "`; baseline = `bash -c` read by BufferedReader.readLine() "
                + "in the benchmark JVM; mcr = the slowest client's output events of the run, from POST /api/run to "
                + "its finished event (the server runs the command with its default login shell `bash -lc`). "
                + "Lost lines = printed minus received.");
        report.note("Latency (measured once per client count, in round 1): PacedPrinter prints `<n> <wall clock µs>` "
                + o.rate() + " lines/s, " + o.latencyLines() + " lines; received wall clock minus printed, over every "
                + "line of every client; baseline = the same printer read through a bare pipe.");
        report.note("Clients, server and commands share the same 2 cores.");
        return report;
    }

    /** Saves a state with the two benchmark runners (the demo runners are replaced). */
    static void configure(ServerProcess server, long lines, int rate, int latencyLines)
            throws IOException, InterruptedException, URISyntaxException {
        ObjectNode state = JSON.createObjectNode();
        state.putArray("notify_profiles");
        ArrayNode runners = state.putArray("runners");
        runners.add(runner(SEQ_RUNNER, "seq 1 " + lines));
        runners.add(runner(PACED_RUNNER, printerCommand(rate, latencyLines)));
        state.putArray("runner_groups");
        state.putArray("runner_layout");
        server.post("/api/state", JSON.writeValueAsString(state));
    }

    /** A runner as the state JSON of the original (no cases, runs once, logging on). */
    static ObjectNode runner(String id, String command) {
        ObjectNode r = JSON.createObjectNode();
        r.put("id", id);
        r.put("name", id);
        r.put("command", command);
        r.put("logging_enabled", true);
        ObjectNode schedule = r.putObject("schedule");
        schedule.put("hours", 0);
        schedule.put("minutes", 0);
        schedule.put("seconds", 0);
        r.put("max_runs", 1);
        r.putArray("cases");
        return r;
    }

    /** The latency printer as a shell command (this module's classes, the running JVM's java). */
    static String printerCommand(int rate, int lines) throws URISyntaxException {
        Path cp = Path.of(PacedPrinter.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        return "'" + MachineInfo.javaBinary() + "' -Xshare:auto -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xmx32m -cp '"
                + cp + "' " + PacedPrinter.class.getName() + " " + rate + " " + lines;
    }

    /**
     * Runs the {@code seq} runner once with some clients connected.
     *
     * @param server     the server
     * @param clients    how many clients
     * @param lines      lines the runner prints
     * @param sampleRss  whether to sample the server's resident size every 10 ms meanwhile
     * @return what the clients saw
     * @throws Exception when a client or a request fails
     */
    public static Flood flood(ServerProcess server, int clients, long lines, boolean sampleRss) throws Exception {
        List<SseClient> cs = new ArrayList<>();
        AtomicLong maxRss = new AtomicLong();
        Thread sampler = null;
        try {
            for (int i = 0; i < clients; i++) {
                cs.add(new SseClient(server.port(), SEQ_RUNNER, false, "bench-sse-" + i));
            }
            for (SseClient c : cs) {
                c.awaitConnected(30);
            }
            if (sampleRss) {
                maxRss.set(server.rssKiB());
                sampler = new Thread(() -> {
                    while (!Thread.currentThread().isInterrupted()) {
                        try {
                            maxRss.accumulateAndGet(server.rssKiB(), Math::max);
                            TimeUnit.MILLISECONDS.sleep(10);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        } catch (IllegalStateException gone) {
                            return;
                        }
                    }
                }, "bench-rss-sampler");
                sampler.setDaemon(true);
                sampler.start();
            }
            long t0 = System.nanoTime();
            server.post("/api/run", "{\"runner_id\": \"" + SEQ_RUNNER + "\"}");
            double slowest = Double.MAX_VALUE;
            long worstLoss = 0;
            int finishedLost = 0;
            awaitIdle(server, SEQ_RUNNER);
            for (SseClient c : cs) {
                // A client whose queue was full when the run ended lost its finished event too: once the
                // server says the run is over, what has not arrived within a few seconds never will.
                if (!c.awaitFinished(FINISHED_GRACE_SECONDS)) {
                    finishedLost++;
                }
            }
            for (SseClient c : cs) {
                long end = c.endNanos();
                double seconds = (end - t0) / 1e9;
                slowest = Math.min(slowest, end == 0 ? 0 : c.lines() / seconds);
                worstLoss = Math.max(worstLoss, lines - c.lines());
            }
            return new Flood(slowest, worstLoss, finishedLost, maxRss.get());
        } finally {
            if (sampler != null) {
                sampler.interrupt();
                sampler.join();
            }
            cs.forEach(SseClient::close);
        }
    }

    /** Waits until the runner is neither running nor scheduled (its finished event may have been lost). */
    private static final long FINISHED_GRACE_SECONDS = 10;

    static void awaitIdle(ServerProcess server, String runnerId) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
        while (System.nanoTime() < deadline) {
            JsonNode s = JSON.readTree(server.get("/api/status")).path(runnerId);
            if (!s.path("running").asBoolean(true)) {
                return;
            }
            TimeUnit.MILLISECONDS.sleep(20);
        }
        throw new IllegalStateException("Runner " + runnerId + " was still running after 10 minutes.");
    }

    private static List<Long> sseLatencies(ServerProcess server, int clients, Options o) throws Exception {
        List<SseClient> cs = new ArrayList<>();
        try {
            for (int i = 0; i < clients; i++) {
                cs.add(new SseClient(server.port(), PACED_RUNNER, true, "bench-sse-latency-" + i));
            }
            for (SseClient c : cs) {
                c.awaitConnected(30);
            }
            server.post("/api/run", "{\"runner_id\": \"" + PACED_RUNNER + "\"}");
            List<Long> all = new ArrayList<>();
            for (SseClient c : cs) {
                c.awaitFinished(o.latencyLines() / o.rate() + 120);
                all.addAll(c.latenciesMicros());
            }
            awaitIdle(server, PACED_RUNNER);
            if (all.isEmpty()) {
                throw new IllegalStateException("No client received a paced line.");
            }
            return all;
        } finally {
            cs.forEach(SseClient::close);
        }
    }

    /**
     * The baseline's throughput: a bare pipe reader of {@code bash -c <command>}.
     *
     * @param command the command
     * @return lines per second, from process start to exit
     * @throws IOException          when the process fails
     * @throws InterruptedException when interrupted
     */
    public static double pipeLinesPerSecond(String command) throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        long lines = LineBreakdown.bareRead(command);
        return lines / ((System.nanoTime() - t0) / 1e9);
    }

    /**
     * The baseline's latency: the printer read through a bare pipe.
     *
     * @param command the printer command
     * @return microseconds from printing to reading, one per line
     * @throws IOException          when the process fails
     * @throws InterruptedException when interrupted
     */
    public static List<Long> pipeLatencies(String command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("bash", "-c", command).redirectErrorStream(true).start();
        List<Long> out = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                long now = PacedPrinter.epochMicros();
                int space = line.indexOf(' ');
                if (space > 0) {
                    out.add(now - Long.parseLong(line.substring(space + 1).trim()));
                }
            }
        }
        p.waitFor();
        return out;
    }

    private static long[] percentiles(List<Long> micros) {
        return new long[] {Stats.percentile(micros, 50), Stats.percentile(micros, 99)};
    }
}
