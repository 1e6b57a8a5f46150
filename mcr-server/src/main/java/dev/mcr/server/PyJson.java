package dev.mcr.server;

import dev.mcr.event.OutputLine;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Collection;
import java.util.Map;

/**
 * Writes event JSON byte for byte like the original's {@code json.dumps(x, ensure_ascii=False)}: separators
 * {@code ", "} and {@code ": "}, non-ASCII as raw UTF-8, control characters as {@code \n}, {@code \r},
 * {@code \t}, {@code \b}, {@code \f} or a six-character escape with lowercase hex (ESC is backslash, {@code u001b}), {@code /} and DEL unescaped.
 *
 * <p>It is also the event stream's fast path: a burst of output lines must be written faster than a runner
 * produces them, or the client's bounded queue overflows. One instance per stream; not thread-safe.
 */
final class PyJson {

    private static final byte[] HEX = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private static final byte[] OUTPUT_HEAD = asciiBytes("data: {\"type\": \"output\", \"runner_id\": ");
    private static final byte[] OUTPUT_MIDDLE = asciiBytes(", \"line\": ");
    private static final byte[] OUTPUT_RUN_ID = asciiBytes(", \"run_id\": ");
    private static final byte[] FRAME_END = asciiBytes("}\n\n");
    private static final byte[] BATCH_HEAD = asciiBytes("data: {\"type\": \"output_batch\", \"runner_id\": ");
    private static final byte[] BATCH_LINES = asciiBytes(", \"lines\": [");
    private static final byte[] BATCH_END = asciiBytes("]}\n\n");

    private byte[] buf = new byte[8192];
    /** The runner id of the last output frame, compared by identity, and its frame head. */
    private String headRunnerId;
    private byte[] headBytes;
    /** The run id of the last output frame, compared by identity, and its frame tail. */
    private String tailRunId;
    private byte[] tailBytes;
    private int len;

    private static byte[] asciiBytes(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    /** Empties the buffer (and lets go of a buffer a huge snapshot made large). */
    void reset() {
        len = 0;
        if (buf.length > 1024 * 1024) {
            buf = new byte[8192];
        }
    }

    /** Drops what was appended after {@code size}. */
    void truncate(int size) {
        len = Math.min(len, size);
    }

    /** Returns how many bytes are buffered. */
    int size() {
        return len;
    }

    /** Writes the buffered bytes. */
    void writeTo(OutputStream out) throws IOException {
        out.write(buf, 0, len);
    }

    /** Appends raw ASCII text. */
    PyJson ascii(String s) {
        ensure(s.length());
        for (int i = 0; i < s.length(); i++) {
            buf[len++] = (byte) s.charAt(i);
        }
        return this;
    }

    /**
     * Appends a value: maps (keys in their order), collections, strings, booleans, whole numbers, {@code null}.
     *
     * @param value the value
     * @return this
     * @throws IllegalArgumentException for a type the events never contain (for example a float)
     */
    PyJson value(Object value) {
        if (value == null) {
            return ascii("null");
        }
        if (value instanceof String s) {
            return string(s);
        }
        if (value instanceof Boolean b) {
            return ascii(b ? "true" : "false");
        }
        if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte
                || value instanceof java.math.BigInteger) {
            return ascii(value.toString());
        }
        if (value instanceof Map<?, ?> m) {
            buf(1)[len++] = '{';
            boolean first = true;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (!first) {
                    ascii(", ");
                }
                first = false;
                string(String.valueOf(e.getKey()));
                ascii(": ");
                value(e.getValue());
            }
            buf(1)[len++] = '}';
            return this;
        }
        if (value instanceof Collection<?> c) {
            buf(1)[len++] = '[';
            boolean first = true;
            for (Object o : c) {
                if (!first) {
                    ascii(", ");
                }
                first = false;
                value(o);
            }
            buf(1)[len++] = ']';
            return this;
        }
        if (value instanceof CharSequence cs) {
            return string(cs.toString());
        }
        throw new IllegalArgumentException("Events never contain a " + value.getClass().getSimpleName() + ".");
    }

    /**
     * Appends one framed {@code output} event,
     * {@code data: {"type": "output", "runner_id": …, "line": …, "run_id": …}\n\n} ({@code run_id} only when the
     * line has one), byte for byte what
     * {@code ascii("data: ").value(new OutputLine(runnerId, line, runId).toJson(zone)).ascii("\n\n")} appends,
     * without building the map.
     *
     * @param runnerId the runner's id
     * @param line     the line
     * @param runId    the run's id, or {@code null}
     * @return this
     */
    PyJson outputFrame(String runnerId, String line, String runId) {
        // A burst comes from one runner, its id usually the same instance: its part of the frame is
        // encoded once.
        if (runnerId != headRunnerId || headBytes == null) {
            int mark = len;
            bytes(OUTPUT_HEAD);
            nullableString(runnerId);
            bytes(OUTPUT_MIDDLE);
            headBytes = Arrays.copyOfRange(buf, mark, len);
            headRunnerId = runnerId;
        } else {
            bytes(headBytes);
        }
        nullableString(line);
        if (runId == null) {
            return bytes(FRAME_END);
        }
        // Every line of a run carries the same id instance: its part of the frame is encoded once too.
        if (runId != tailRunId || tailBytes == null) {
            int mark = len;
            bytes(OUTPUT_RUN_ID);
            string(runId);
            bytes(FRAME_END);
            tailBytes = Arrays.copyOfRange(buf, mark, len);
            tailRunId = runId;
            return this;
        }
        return bytes(tailBytes);
    }

    /**
     * Appends consecutive lines of one runner's run as one framed {@code output_batch} event,
     * {@code data: {"type": "output_batch", "runner_id": …, "run_id": …, "lines": […]}\n\n} ({@code run_id} only
     * when the lines have one): what a client that asked for batched output ({@code GET /api/events?output=batched})
     * gets instead of one {@code output} event per line.
     *
     * @param lines {@link OutputLine}s of the same runner and run, at {@code from} (inclusive) to {@code to}
     * @param from  the first
     * @param to    after the last
     * @return this
     */
    PyJson outputBatchFrame(Object[] lines, int from, int to) {
        OutputLine first = (OutputLine) lines[from];
        bytes(BATCH_HEAD);
        nullableString(first.runnerId());
        if (first.runId() != null) {
            bytes(OUTPUT_RUN_ID);
            string(first.runId());
        }
        bytes(BATCH_LINES);
        for (int i = from; i < to; i++) {
            if (i > from) {
                ascii(", ");
            }
            nullableString(((OutputLine) lines[i]).text());
        }
        return bytes(BATCH_END);
    }

    private void nullableString(String s) {
        if (s == null) {
            ascii("null");
        } else {
            string(s);
        }
    }

    private PyJson bytes(byte[] bytes) {
        ensure(bytes.length);
        System.arraycopy(bytes, 0, buf, len, bytes.length);
        len += bytes.length;
        return this;
    }

    private PyJson string(String s) {
        // Worst case per char: 6 bytes (an escape) or 3 bytes of UTF-8; a surrogate pair takes 4 for 2 chars.
        ensure(s.length() * 6 + 2);
        byte[] b = buf;
        int n = len;
        b[n++] = '"';
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c < 0x80) {
                if (c == '"' || c == '\\') {
                    b[n++] = '\\';
                }
                b[n++] = (byte) c;
            } else if (c < 0x20) {
                b[n++] = '\\';
                switch (c) {
                    case '\n' -> b[n++] = 'n';
                    case '\r' -> b[n++] = 'r';
                    case '\t' -> b[n++] = 't';
                    case '\b' -> b[n++] = 'b';
                    case '\f' -> b[n++] = 'f';
                    default -> {
                        b[n++] = 'u';
                        b[n++] = '0';
                        b[n++] = '0';
                        b[n++] = HEX[c >> 4];
                        b[n++] = HEX[c & 0xf];
                    }
                }
            } else if (c < 0x800) {
                b[n++] = (byte) (0xc0 | (c >> 6));
                b[n++] = (byte) (0x80 | (c & 0x3f));
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, s.charAt(++i));
                b[n++] = (byte) (0xf0 | (cp >> 18));
                b[n++] = (byte) (0x80 | ((cp >> 12) & 0x3f));
                b[n++] = (byte) (0x80 | ((cp >> 6) & 0x3f));
                b[n++] = (byte) (0x80 | (cp & 0x3f));
            } else if (Character.isSurrogate(c)) {
                // A lone surrogate has no UTF-8 form; escape it so the message stays valid JSON.
                b[n++] = '\\';
                b[n++] = 'u';
                b[n++] = HEX[c >> 12];
                b[n++] = HEX[(c >> 8) & 0xf];
                b[n++] = HEX[(c >> 4) & 0xf];
                b[n++] = HEX[c & 0xf];
            } else {
                b[n++] = (byte) (0xe0 | (c >> 12));
                b[n++] = (byte) (0x80 | ((c >> 6) & 0x3f));
                b[n++] = (byte) (0x80 | (c & 0x3f));
            }
        }
        b[n++] = '"';
        len = n;
        return this;
    }

    private byte[] buf(int extra) {
        ensure(extra);
        return buf;
    }

    private void ensure(int extra) {
        if (len + extra > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + extra));
        }
    }

    /** Returns a copy of the buffered bytes. */
    byte[] toBytes() {
        return Arrays.copyOf(buf, len);
    }

    /**
     * Writes one value to a new byte array.
     *
     * @param value the value
     * @return UTF-8 JSON
     */
    static byte[] bytes(Object value) {
        return new PyJson().value(value).toBytes();
    }
}
