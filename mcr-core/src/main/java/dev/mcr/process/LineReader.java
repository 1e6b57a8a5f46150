package dev.mcr.process;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * Splits a byte stream into text lines the way the original tool's universal-newline reader
 * did, with a bound on memory.
 *
 * <ul>
 *   <li>{@code \n}, {@code \r\n} and a lone {@code \r} each end a line, so progress bars that
 *       redraw with {@code \r} become lines. A {@code \r\n} split across two reads still ends
 *       exactly one line.</li>
 *   <li>A returned line ends with {@code "\n"}, whatever terminator it had in the input; so
 *       does every piece of an over-long line, and a last line that ended with the stream
 *       (the contract says every line handed to events and cases ends with {@code "\n"}; the
 *       original passed such a line on without one).</li>
 *   <li>A line whose content is longer than the cap is returned in pieces of at most the cap
 *       (in bytes, without the added {@code "\n"}); a piece never ends inside a UTF-8 sequence.</li>
 *   <li>Bytes are decoded as UTF-8; invalid bytes become U+FFFD, decoding never fails.</li>
 * </ul>
 *
 * <p>Memory use is bounded by a 64 KiB read buffer plus the cap, whatever the input.
 * A reader is meant for one thread; it does not close the stream.
 */
public final class LineReader {

    /** The default cap of a line's content in bytes: 64 KiB. */
    public static final int DEFAULT_MAX_LINE_BYTES = 64 * 1024;

    /** Smallest cap allowed, so a piece can always hold one whole UTF-8 sequence. */
    private static final int MIN_MAX_LINE_BYTES = 4;
    private static final int READ_BUFFER_BYTES = 64 * 1024;
    private static final int INITIAL_LINE_BUFFER_BYTES = 1024;

    private final InputStream in;
    private final int maxLineBytes;
    private final byte[] buf = new byte[READ_BUFFER_BYTES];
    private int pos;
    private int limit;
    /** Start of a line that did not fit in one read; holds at most maxLineBytes + 1 bytes. */
    private byte[] acc;
    private int accLen;
    /** The last line ended with {@code \r}: a {@code \n} right after it belongs to that line. */
    private boolean skipLf;
    private boolean eof;

    /**
     * Creates a reader with the default cap of {@link #DEFAULT_MAX_LINE_BYTES}.
     *
     * @param in the stream to read; not closed by this reader
     */
    public LineReader(InputStream in) {
        this(in, DEFAULT_MAX_LINE_BYTES);
    }

    /**
     * Creates a reader with a chosen cap.
     *
     * @param in the stream to read; not closed by this reader
     * @param maxLineBytes the most content bytes in one returned line, at least 4
     * @throws IllegalArgumentException if the cap is smaller than 4
     */
    public LineReader(InputStream in, int maxLineBytes) {
        this.in = Objects.requireNonNull(in, "The input stream must not be null.");
        if (maxLineBytes < MIN_MAX_LINE_BYTES) {
            throw new IllegalArgumentException("The maximum line length must be at least "
                    + MIN_MAX_LINE_BYTES + " bytes, but was " + maxLineBytes + ".");
        }
        this.maxLineBytes = maxLineBytes;
        this.acc = new byte[Math.min(INITIAL_LINE_BUFFER_BYTES, maxLineBytes + 1)];
    }

    /**
     * Reads the next line, blocking until a whole line, a full piece or the end of the stream
     * is there.
     *
     * @return the decoded line ending with {@code "\n"}, or {@code null} at the end of the stream
     * @throws IOException if reading the stream fails
     */
    public String readLine() throws IOException {
        while (true) {
            if (pos >= limit && !fill()) {
                if (accLen > 0) {
                    String line = new String(acc, 0, accLen, StandardCharsets.UTF_8) + "\n";
                    accLen = 0;
                    return line;
                }
                return null;
            }
            if (skipLf) {
                skipLf = false;
                if (buf[pos] == '\n') {
                    pos++;
                    continue;
                }
            }
            int room = maxLineBytes - accLen;
            // Look at one byte more than fits: if it is not a line end, the line is too long.
            int end = (int) Math.min(limit, (long) pos + room + 1);
            int i = pos;
            while (i < end) {
                byte b = buf[i];
                if (b == '\n' || b == '\r') {
                    break;
                }
                i++;
            }
            if (i < end) {
                skipLf = buf[i] == '\r';
                String line;
                if (accLen == 0) {
                    // The terminator byte is consumed, so it can become the line's "\n".
                    buf[i] = '\n';
                    line = new String(buf, pos, i - pos + 1, StandardCharsets.UTF_8);
                } else {
                    append(pos, i - pos);
                    acc[accLen] = '\n';
                    line = new String(acc, 0, accLen + 1, StandardCharsets.UTF_8);
                    accLen = 0;
                }
                pos = i + 1;
                return line;
            }
            if (end - pos > room) {
                return piece(room);
            }
            append(pos, limit - pos);
            pos = limit;
        }
    }

    /**
     * Tells whether {@link #readLine()} would return without reading the stream: a whole line or
     * piece is buffered, or the stream has ended. Lets a caller hand on what it collected before
     * it may wait for more output.
     *
     * @return true when the next line is already there
     */
    public boolean lineReady() {
        if (eof) {
            return true;
        }
        int i = pos;
        if (skipLf && i < limit && buf[i] == '\n') {
            i++;
        }
        if (limit - i > maxLineBytes - accLen) {
            return true;
        }
        for (; i < limit; i++) {
            byte b = buf[i];
            if (b == '\n' || b == '\r') {
                return true;
            }
        }
        return false;
    }

    /** Returns the first maxLineBytes of an over-long line (less an incomplete UTF-8 tail). */
    private String piece(int room) {
        if (accLen == 0) {
            int cut = pos + maxLineBytes - incompleteTail(buf, pos, pos + maxLineBytes);
            byte kept = buf[cut];
            buf[cut] = '\n';
            String line = new String(buf, pos, cut - pos + 1, StandardCharsets.UTF_8);
            buf[cut] = kept;
            pos = cut;
            return line;
        }
        append(pos, room);
        pos += room;
        int tail = incompleteTail(acc, 0, maxLineBytes);
        int cut = maxLineBytes - tail;
        byte[] carried = Arrays.copyOfRange(acc, cut, maxLineBytes);
        acc[cut] = '\n';
        String line = new String(acc, 0, cut + 1, StandardCharsets.UTF_8);
        System.arraycopy(carried, 0, acc, 0, tail);
        accLen = tail;
        return line;
    }

    /**
     * Counts the bytes at the end of {@code b[from, to)} that start a UTF-8 sequence the range
     * does not complete (0 to 3). Invalid bytes are not held back: they decode to U+FFFD anyway.
     */
    static int incompleteTail(byte[] b, int from, int to) {
        int stop = Math.max(from, to - 3);
        for (int i = to - 1; i >= stop; i--) {
            int c = b[i] & 0xFF;
            if ((c & 0xC0) == 0x80) {
                continue;
            }
            int need;
            if ((c & 0xE0) == 0xC0) {
                need = 2;
            } else if ((c & 0xF0) == 0xE0) {
                need = 3;
            } else if ((c & 0xF8) == 0xF0) {
                need = 4;
            } else {
                return 0;
            }
            return i + need > to ? to - i : 0;
        }
        return 0;
    }

    private void append(int from, int len) {
        int needed = accLen + len + 1;
        if (needed > acc.length) {
            acc = Arrays.copyOf(acc, Math.min(maxLineBytes + 1, Math.max(needed, acc.length * 2)));
        }
        System.arraycopy(buf, from, acc, accLen, len);
        accLen += len;
    }

    private boolean fill() throws IOException {
        if (eof) {
            return false;
        }
        int n;
        do {
            n = in.read(buf, 0, buf.length);
        } while (n == 0);
        if (n < 0) {
            eof = true;
            pos = 0;
            limit = 0;
            return false;
        }
        pos = 0;
        limit = n;
        return true;
    }
}
