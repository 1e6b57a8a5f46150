package dev.mcr.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The command line of the benchmarks: {@code java -jar mcr-bench/target/mcr-bench.jar <benchmark> [--name=value ...]}.
 * Progress goes to standard error; the machine description and the report (Markdown) go to standard output.
 */
public final class Main {

    private static final String USAGE = String.join("\n",
            "usage: java -jar mcr-bench/target/mcr-bench.jar <benchmark> [--name=value ...]",
            "  machine                      describe this machine (nproc, free -h, CPU, java -version, load)",
            "  lines     [--lines=2000000 --warmup-lines=300000 --rounds=3 --command='seq 1 N']",
            "  lines-breakdown [--lines=2000000 --rounds=3]   benchmark 1 taken apart, stage by stage",
            "  spawn     [--millis=10000 --warmup-millis=2000 --rounds=3]",
            "  spawn-history [--millis=10000 --warmup-millis=2000 --rounds=3]   benchmark 2, history off vs on",
            "  scale     [--runners=200 --interval-millis=1000 --millis=60000 --warmup-millis=5000 --rounds=1]",
            "  cron      [--runners=1000 --cron='0 * * * * *' --rounds=3]   start delay after the due second",
            "  sse       [--jar=mcr-server/target/mcr-server.jar --lines=1000000 --clients=1,20 --rounds=3",
            "             --rate=1000 --latency-lines=5000 --server-java-options='-XX:...']",
            "  footprint [--jar=mcr-server/target/mcr-server.jar --clients=20 --lines=200000 --rounds=3 --floods=3",
            "             --settle-millis=3000 --server-java-options='-Xmx128m']",
            "  notify    [--notifications=10000 --latency-messages=2000 --rounds=3]   webhook deliveries, stuck SMTP",
            "  ui-speed  [--jar=mcr-server/target/mcr-server.jar --original=<checkout> --lines=30000 --rounds=3",
            "             --chromium=/usr/bin/chromium --chromedriver=/usr/bin/chromedriver --timeout-s=120",
            "             --profile-dir=<dir>]   (each page's CPU profile of the run, for Chromium's DevTools)",
            "             the page under chatty output in headless Chromium, ours vs the original's page",
            "  jmh       [JMH options, e.g. -f 1 -wi 3 -i 5 LineCost]   per-line micro costs (JMH)");

    /** Where the server jar is after {@code mvn package}, relative to the repository root. */
    static final String DEFAULT_SERVER_JAR = "mcr-server/target/mcr-server.jar";

    private Main() {
    }

    /**
     * Runs one benchmark and prints its report.
     *
     * @param args the benchmark's name and its options
     * @throws Exception when the benchmark fails
     */
    public static void main(String[] args) throws Exception {
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
        if (args.length == 0 || args[0].equals("-h") || args[0].equals("--help")) {
            System.out.println(USAGE);
            return;
        }
        if (args[0].equals("jmh")) {
            org.openjdk.jmh.Main.main(java.util.Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        if (args[0].equals("machine")) {
            MachineInfo.print(System.out);
            return;
        }
        Report report;
        try {
            report = run(args[0], List.of(args).subList(1, args.length), System.err);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
            return;
        }
        System.out.println("Command: `java -jar mcr-bench/target/mcr-bench.jar " + String.join(" ", args) + "`");
        System.out.println();
        MachineInfo.print(System.out);
        report.print(System.out);
    }

    /**
     * Runs one benchmark by name in a fresh temporary data folder, deleted afterwards.
     *
     * @param name    {@code lines}, {@code lines-breakdown}, {@code spawn}, {@code spawn-history}, {@code scale},
     *                {@code cron}, {@code sse}, {@code footprint} or {@code ui-speed}
     * @param options its {@code --name=value} options
     * @param log     where progress goes
     * @return the report
     * @throws IllegalArgumentException for an unknown benchmark or option
     * @throws Exception                when the benchmark fails
     */
    public static Report run(String name, List<String> options, PrintStream log) throws Exception {
        Path dir = Files.createTempDirectory("mcr-bench-");
        try {
            switch (name) {
                case "lines": {
                    Args a = new Args(options, Set.of("lines", "warmup-lines", "rounds", "command"));
                    long lines = a.longValue("lines", 2_000_000);
                    return LinePipelineBench.run(new LinePipelineBench.Options(lines,
                            a.longValue("warmup-lines", Math.min(lines, 300_000)), a.intValue("rounds", 3),
                            a.string("command", null)), dir, log);
                }
                case "lines-breakdown": {
                    Args a = new Args(options, Set.of("lines", "rounds"));
                    return LineBreakdown.run("seq 1 " + a.longValue("lines", 2_000_000), a.intValue("rounds", 3), dir, log);
                }
                case "spawn": {
                    Args a = new Args(options, Set.of("millis", "warmup-millis", "rounds"));
                    return SpawnBench.run(new SpawnBench.Options(a.millis("millis", Duration.ofSeconds(10)),
                            a.millis("warmup-millis", Duration.ofSeconds(2)), a.intValue("rounds", 3)), dir, log);
                }
                case "spawn-history": {
                    Args a = new Args(options, Set.of("millis", "warmup-millis", "rounds"));
                    return HistorySpawnBench.run(new SpawnBench.Options(a.millis("millis", Duration.ofSeconds(10)),
                            a.millis("warmup-millis", Duration.ofSeconds(2)), a.intValue("rounds", 3)), dir, log);
                }
                case "scale": {
                    Args a = new Args(options, Set.of("runners", "interval-millis", "millis", "warmup-millis", "rounds"));
                    return ScaleBench.run(new ScaleBench.Options(a.intValue("runners", 200),
                            a.millis("interval-millis", Duration.ofSeconds(1)), a.millis("millis", Duration.ofSeconds(60)),
                            a.millis("warmup-millis", Duration.ofSeconds(5)), a.intValue("rounds", 1)), dir, log);
                }
                case "notify": {
                    Args a = new Args(options, Set.of("notifications", "latency-messages", "rounds"));
                    return NotifyBench.run(new NotifyBench.Options(a.intValue("notifications", 10_000),
                            a.intValue("latency-messages", 2000), a.intValue("rounds", 3)), dir, log);
                }
                case "cron": {
                    Args a = new Args(options, Set.of("runners", "cron", "rounds"));
                    return CronBench.run(new CronBench.Options(a.intValue("runners", 1000),
                            a.string("cron", "0 * * * * *"), a.intValue("rounds", 3)), dir, log);
                }
                case "sse": {
                    Args a = new Args(options, Set.of("jar", "lines", "clients", "rounds", "rate", "latency-lines",
                            "server-java-options"));
                    return EventStreamBench.run(new EventStreamBench.Options(Path.of(a.string("jar", DEFAULT_SERVER_JAR)),
                            a.longValue("lines", 1_000_000), a.intList("clients", List.of(1, 20)), a.intValue("rounds", 3),
                            a.intValue("rate", 1000), a.intValue("latency-lines", 5000),
                            javaOptions(a)), dir, log);
                }
                case "footprint": {
                    Args a = new Args(options, Set.of("jar", "clients", "lines", "rounds", "floods", "server-java-options",
                            "settle-millis"));
                    return FootprintBench.run(new FootprintBench.Options(Path.of(a.string("jar", DEFAULT_SERVER_JAR)),
                            a.intValue("clients", 20), a.longValue("lines", 200_000), a.intValue("rounds", 3),
                            a.intValue("floods", 3), javaOptions(a), a.millis("settle-millis", FootprintBench.DEFAULT_SETTLE)),
                            dir, log);
                }
                case "ui-speed": {
                    Args a = new Args(options, Set.of("jar", "original", "lines", "rounds", "chromium", "chromedriver",
                            "timeout-s", "profile-dir"));
                    String original = a.string("original", null);
                    return UiSpeedBench.run(new UiSpeedBench.Options(Path.of(a.string("jar", DEFAULT_SERVER_JAR)),
                            original == null ? null : Path.of(original), a.intValue("lines", 30000), a.intValue("rounds", 3),
                            Path.of(a.string("chromium", "/usr/bin/chromium")),
                            Path.of(a.string("chromedriver", "/usr/bin/chromedriver")),
                            Duration.ofSeconds(a.intValue("timeout-s", 120)),
                            a.string("profile-dir", null) == null ? null : Path.of(a.string("profile-dir", null))), dir, log);
                }
                default:
                    throw new IllegalArgumentException("Unknown benchmark '" + name + "'.");
            }
        } finally {
            deleteTree(dir);
        }
    }

    private static List<String> javaOptions(Args a) {
        String s = a.string("server-java-options", "").strip();
        return s.isEmpty() ? List.of() : List.of(s.split("\\s+"));
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not delete the benchmark folder " + dir + ".", e);
        }
    }
}
