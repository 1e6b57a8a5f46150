package dev.mcr.runtime;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Replaces the values of a runner's secret variables in its output lines with {@code ***} before a line reaches the
 * output buffer, the event stream, the case matcher or the log file: a command that prints its environment (or a
 * tool that echoes its password) must not write the secret where the runner's other readers see it. Values shorter
 * than {@value #MIN_LENGTH} characters are not replaced: they would turn ordinary output into asterisks and hide
 * nothing worth hiding. A value is found only whole within one line (a line split at 64 KiB may split it).
 */
final class SecretRedaction {

    /** Shortest value that is replaced. */
    static final int MIN_LENGTH = 4;
    /** What a secret value becomes. */
    static final String MASK = "***";

    private static final SecretRedaction NONE = new SecretRedaction(List.of());

    private final List<String> values;

    private SecretRedaction(List<String> values) {
        this.values = values;
    }

    /**
     * Returns the redaction of these values.
     *
     * @param secrets the secret values of the run
     * @return the redaction, longest values first (so that a value containing another is replaced whole)
     */
    static SecretRedaction of(List<String> secrets) {
        List<String> out = new ArrayList<>();
        for (String s : secrets) {
            if (s.length() >= MIN_LENGTH && !out.contains(s)) {
                out.add(s);
            }
        }
        if (out.isEmpty()) {
            return NONE;
        }
        out.sort(Comparator.comparingInt(String::length).reversed());
        return new SecretRedaction(List.copyOf(out));
    }

    /** Returns the line with every whole occurrence of a secret value replaced by {@value #MASK}. */
    String apply(String line) {
        String out = line;
        for (String v : values) {
            if (out.contains(v)) {
                out = out.replace(v, MASK);
            }
        }
        return out;
    }
}
