package dev.mcr.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The results of one benchmark: one list of {@link Comparison}s per round, and notes. Printed as a
 * Markdown table, ready to be pasted into BENCHMARKS.md, with the median of every metric over the
 * rounds. Not thread-safe.
 */
public final class Report {

    private final String title;
    private final List<List<Comparison>> rounds = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();

    /**
     * Creates an empty report.
     *
     * @param title the benchmark's name and what is compared
     */
    public Report(String title) {
        this.title = Objects.requireNonNull(title, "title");
    }

    /**
     * Adds the figures of one round.
     *
     * @param round the figures, in display order
     */
    public void addRound(List<Comparison> round) {
        rounds.add(List.copyOf(round));
    }

    /**
     * Adds a note printed under the table (counts, losses, what a baseline is).
     *
     * @param note one sentence
     */
    public void note(String note) {
        notes.add(Objects.requireNonNull(note, "note"));
    }

    /** Returns the benchmark's title. */
    public String title() {
        return title;
    }

    /** Returns the rounds, in order. */
    public List<List<Comparison>> rounds() {
        return List.copyOf(rounds);
    }

    /** Returns the notes, in order. */
    public List<String> notes() {
        return List.copyOf(notes);
    }

    /**
     * Returns, for every metric, the median baseline, the median mcr value and the median ratio over the
     * rounds (the median ratio is not the ratio of the medians).
     *
     * @return the medians, by metric, in the order the metrics first appeared
     */
    public Map<String, Comparison> medians() {
        Map<String, List<Comparison>> byMetric = new LinkedHashMap<>();
        for (List<Comparison> round : rounds) {
            for (Comparison c : round) {
                byMetric.computeIfAbsent(c.metric(), k -> new ArrayList<>()).add(c);
            }
        }
        Map<String, Comparison> out = new LinkedHashMap<>();
        byMetric.forEach((metric, cs) -> out.put(metric, new Comparison(metric,
                Stats.median(cs.stream().mapToDouble(Comparison::baseline).toArray()),
                Stats.median(cs.stream().mapToDouble(Comparison::mcr).toArray()))));
        return out;
    }

    /**
     * Returns the median over the rounds of one metric's ratio.
     *
     * @param metric the metric
     * @return the median ratio
     * @throws IllegalArgumentException when no round has the metric
     */
    public double medianRatio(String metric) {
        double[] ratios = rounds.stream().flatMap(List::stream).filter(c -> c.metric().equals(metric))
                .mapToDouble(Comparison::ratio).toArray();
        if (ratios.length == 0) {
            throw new IllegalArgumentException("No round measured '" + metric + "'.");
        }
        return Stats.median(ratios);
    }

    /**
     * Prints the report as Markdown: a table with one row per round and metric, the medians when there
     * was more than one round, then the notes.
     *
     * @param out where to print
     */
    public void print(PrintStream out) {
        out.println();
        out.println("### " + title);
        out.println();
        out.println("| round | metric | baseline | mcr | mcr / baseline |");
        out.println("|---|---|--:|--:|--:|");
        for (int i = 0; i < rounds.size(); i++) {
            for (Comparison c : rounds.get(i)) {
                out.println("| " + (i + 1) + " | " + c.metric() + " | " + format(c.baseline()) + " | "
                        + format(c.mcr()) + " | " + format(c.ratio()) + " |");
            }
        }
        if (rounds.size() > 1) {
            for (Comparison c : medians().values()) {
                out.println("| median | " + c.metric() + " | " + format(c.baseline()) + " | " + format(c.mcr())
                        + " | " + format(medianRatio(c.metric())) + " |");
            }
        }
        if (!notes.isEmpty()) {
            out.println();
            for (String n : notes) {
                out.println("- " + n);
            }
        }
        out.flush();
    }

    /**
     * Formats a figure: zero as {@code 0}, thousands grouped above 100, two decimals above 1, three below.
     *
     * @param v the value
     * @return the text
     */
    public static String format(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return "n/a";
        }
        if (v == 0) {
            return "0";
        }
        double a = Math.abs(v);
        if (a >= 100) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        if (a >= 1) {
            return String.format(Locale.ROOT, "%.2f", v);
        }
        return String.format(Locale.ROOT, "%.3f", v);
    }
}
