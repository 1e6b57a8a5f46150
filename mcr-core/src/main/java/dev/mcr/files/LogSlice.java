package dev.mcr.files;

import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;

/**
 * An opened run log, or the end of one, as {@link RunLogs#open} returns it: exactly {@code length} bytes come from
 * {@code stream}; closing it closes the file. The facade hands it out as {@code dev.mcr.LogContent}.
 *
 * @param stream the bytes; it ends after {@code length} bytes
 * @param length how many bytes the stream delivers, not negative
 */
public record LogSlice(InputStream stream, long length) implements AutoCloseable {

    /** Returns the content of an absent log: no bytes (a fresh stream each time, as closing one closes it). */
    static LogSlice empty() {
        return new LogSlice(InputStream.nullInputStream(), 0);
    }

    /**
     * Validates the parts.
     *
     * @param stream the bytes
     * @param length how many bytes the stream delivers, not negative
     */
    public LogSlice {
        Objects.requireNonNull(stream, "stream");
        if (length < 0) {
            throw new IllegalArgumentException("The length of a log slice must not be negative, not " + length + ".");
        }
    }

    @Override
    public void close() throws IOException {
        stream.close();
    }
}
