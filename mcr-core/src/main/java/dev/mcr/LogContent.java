package dev.mcr;

import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;

/**
 * An opened run log, or the end of one, to be streamed rather than loaded: exactly {@code length} bytes of UTF-8
 * text come from {@code stream}. Close it when done (it holds the file open).
 *
 * <pre>{@code
 * try (LogContent log = mcr.openLog(runnerId, 64 * 1024)) {
 *     log.stream().transferTo(out);
 * }
 * }</pre>
 *
 * @param stream the bytes; it ends after {@code length} bytes
 * @param length how many bytes the stream delivers
 */
public record LogContent(InputStream stream, long length) implements AutoCloseable {

    /**
     * Validates the parts.
     *
     * @param stream the bytes
     * @param length how many bytes the stream delivers, not negative
     */
    public LogContent {
        Objects.requireNonNull(stream, "stream");
        if (length < 0) {
            throw new IllegalArgumentException("The length of a log content must not be negative, not " + length + ".");
        }
    }

    /**
     * Returns the content of a log that does not exist: no bytes.
     *
     * @return an empty content
     */
    public static LogContent empty() {
        return new LogContent(InputStream.nullInputStream(), 0);
    }

    /**
     * Closes the stream and with it the file.
     *
     * @throws IOException when closing the file fails
     */
    @Override
    public void close() throws IOException {
        stream.close();
    }
}
