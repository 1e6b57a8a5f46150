package dev.mcr.runtime;

import java.util.ArrayDeque;
import java.util.Iterator;

/**
 * The output kept of a runner's current (or last) run: the newest lines, bounded in count and in characters (5000
 * lines of 64 KiB would otherwise pin 300 MiB per runner). Guarded by the monitor of the runner's state.
 */
final class OutputBuffer {

    private final ArrayDeque<String> lines = new ArrayDeque<>();
    private long chars;

    void append(String line, int maxLines, long maxChars) {
        lines.addLast(line);
        chars += line.length();
        while (lines.size() > 1 && (lines.size() > maxLines || chars > maxChars)) {
            chars -= lines.removeFirst().length();
        }
    }

    void clear() {
        lines.clear();
        chars = 0;
    }

    /** Returns every kept line joined (each ends with its line break). */
    String joined() {
        StringBuilder sb = new StringBuilder();
        for (String s : lines) {
            sb.append(s);
        }
        return sb.toString();
    }

    /** Returns the newest {@code count} lines joined. */
    String tail(int count) {
        int skip = Math.max(0, lines.size() - count);
        StringBuilder sb = new StringBuilder();
        Iterator<String> it = lines.iterator();
        for (int i = 0; it.hasNext(); i++) {
            String s = it.next();
            if (i >= skip) {
                sb.append(s);
            }
        }
        return sb.toString();
    }
}
