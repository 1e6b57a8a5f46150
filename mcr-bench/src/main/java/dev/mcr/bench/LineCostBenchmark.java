package dev.mcr.bench;

import dev.mcr.process.LineReader;
import dev.mcr.runtime.CaseMatcher;
import dev.mcr.runtime.PythonRegex;
import dev.mcr.model.CaseRule;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * JMH: the per-line costs inside benchmark 1, each next to its bare twin, on the same {@code seq} lines.
 * {@code readLines*} read 100 000 lines per operation; {@code match*} apply the ten cases of
 * {@link LinePipelineBench#CASES} to one line per operation.
 *
 * <pre>java -jar mcr-bench/target/mcr-bench.jar jmh -f 1 -wi 3 -i 5 LineCost</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class LineCostBenchmark {

    /** Lines per {@code readLines*} operation. */
    public static final int LINES = 100_000;

    private byte[] text;
    private String[] bare;
    private String[] withNewline;
    private Matcher[] matchers;
    private Matcher[] multiline;
    private Matcher[] translated;
    private CaseMatcher caseMatcher;
    private int next;

    /** Creates the state; JMH calls {@link #setUp()}. */
    public LineCostBenchmark() {
    }

    /** Builds the lines ({@code seq 1 100000}), the bare matchers and mcr's case matcher. */
    @Setup
    public void setUp() {
        StringBuilder sb = new StringBuilder();
        bare = new String[LINES];
        withNewline = new String[LINES];
        for (int i = 1; i <= LINES; i++) {
            String s = Integer.toString(i);
            sb.append(s).append('\n');
            bare[i - 1] = s;
            withNewline[i - 1] = s + "\n";
        }
        text = sb.toString().getBytes(StandardCharsets.UTF_8);
        matchers = LinePipelineBench.CASES.stream().map(c -> Pattern.compile(c.java()).matcher(""))
                .toArray(Matcher[]::new);
        multiline = LinePipelineBench.CASES.stream()
                .map(c -> Pattern.compile(c.java(), PythonRegex.JAVA_FLAGS).matcher("")).toArray(Matcher[]::new);
        translated = LinePipelineBench.CASES.stream().map(c -> PythonRegex.compile(c.python()).pattern().matcher(""))
                .toArray(Matcher[]::new);
        List<CaseRule> rules = LinePipelineBench.CASES.stream()
                .map(c -> CaseRule.of(c.python(), c.template(), c.state())).toList();
        caseMatcher = CaseMatcher.compile(rules, (rule, error) -> {
            throw new IllegalStateException(error);
        });
    }

    /**
     * Baseline: {@link BufferedReader#readLine()} over {@value #LINES} lines.
     *
     * @return the number of characters read, so nothing is optimised away
     * @throws IOException never (in-memory)
     */
    @Benchmark
    public long readLinesBufferedReader() throws IOException {
        long chars = 0;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(new ByteArrayInputStream(text),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                chars += line.length();
            }
        }
        return chars;
    }

    /**
     * mcr: {@link LineReader#readLine()} (universal newlines, 64 KiB cap, UTF-8 with replacement) over
     * {@value #LINES} lines.
     *
     * @return the number of characters read
     * @throws IOException never (in-memory)
     */
    @Benchmark
    public long readLinesLineReader() throws IOException {
        long chars = 0;
        LineReader r = new LineReader(new ByteArrayInputStream(text));
        String line;
        while ((line = r.readLine()) != null) {
            chars += line.length();
        }
        return chars;
    }

    /**
     * Baseline: the ten Java patterns, reused matchers, every {@code find()}, on one line.
     *
     * @return the number of matches
     */
    @Benchmark
    public int matchBareFind() {
        return findAll(matchers, bare[next++ % LINES]);
    }

    /**
     * Step 1 from the baseline towards mcr: the Java patterns compiled with mcr's flags
     * ({@link PythonRegex#JAVA_FLAGS}: multiline, Unix lines, Unicode case) on the line with its {@code \n}.
     *
     * @return the number of matches
     */
    @Benchmark
    public int matchBareFindMcrFlags() {
        return findAll(multiline, withNewline[next++ % LINES]);
    }

    /**
     * Step 2: the patterns as mcr translates them from Python syntax (Python's Unicode {@code \d}, {@code \b},
     * {@code ^}), with the same bare find loop.
     *
     * @return the number of matches
     */
    @Benchmark
    public int matchTranslatedFind() {
        return findAll(translated, withNewline[next++ % LINES]);
    }

    private static int findAll(Matcher[] ms, String line) {
        int hits = 0;
        for (Matcher m : ms) {
            m.reset(line);
            while (m.find()) {
                hits++;
            }
        }
        return hits;
    }

    /**
     * mcr: {@link CaseMatcher#match(String)} with the ten cases (Python syntax translated, time budget,
     * messages rendered) on one line.
     *
     * @return the number of matches
     */
    @Benchmark
    public int matchCaseMatcher() {
        return caseMatcher.match(withNewline[next++ % LINES]).size();
    }
}
