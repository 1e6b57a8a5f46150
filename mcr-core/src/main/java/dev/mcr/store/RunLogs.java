package dev.mcr.store;

import dev.mcr.McrException;
import dev.mcr.model.Timestamps;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.regex.Pattern;

/**
 * The per-runner log files {@code DATA_DIR/run_<id>.log}, in the original tool's exact format.
 *
 * <p>The id is reduced like the original does (runs of characters outside {@code [A-Za-z0-9_-]} become one
 * {@code _}, leading and trailing {@code _} are dropped), so existing files are found; the resulting file is
 * always directly inside the data folder, and symbolic links are never followed. Thread-safe: operations on
 * the same file are serialized.
 */
public final class RunLogs {

    private static final Pattern UNSAFE = Pattern.compile("[^a-zA-Z0-9_-]+");
    private static final String RULE_EQ = "=".repeat(80);
    private static final String RULE_DASH = "-".repeat(80);

    private final Path dataDir;
    private final ConcurrentMap<Path, Object> locks = new ConcurrentHashMap<>();

    /**
     * Creates the log store; nothing is touched on disk until a log is written or read.
     *
     * @param dataDir the data folder
     */
    public RunLogs(Path dataDir) {
        if (dataDir == null) {
            throw new IllegalArgumentException("The data folder of the run logs must be given.");
        }
        this.dataDir = dataDir.toAbsolutePath().normalize();
    }

    /**
     * Returns the log file of a runner.
     *
     * @param runnerId the runner id; other characters than {@code [A-Za-z0-9_-]} are reduced away
     * @return {@code DATA_DIR/run_<reduced id>.log}, always directly inside the data folder
     * @throws IllegalArgumentException when the id is {@code null} or nothing usable is left of it
     */
    public Path fileFor(String runnerId) {
        if (runnerId == null) {
            throw new IllegalArgumentException("A runner id is required to find its log file.");
        }
        String rid = isPlain(runnerId) ? runnerId : stripUnderscores(UNSAFE.matcher(runnerId).replaceAll("_"));
        if (rid.isEmpty()) {
            throw new IllegalArgumentException(
                    "The runner id has no letters, digits, '-' or inner '_', so it cannot name a log file.");
        }
        Path file = dataDir.resolve("run_" + rid + ".log").normalize();
        if (!dataDir.equals(file.getParent()) || !file.startsWith(dataDir)) {
            throw new IllegalArgumentException("The runner id does not name a log file inside the data folder.");
        }
        return file;
    }

    /**
     * Appends one run block: a blank line, 80 {@code =}, {@code timestamp:}, {@code runner:}, {@code command:},
     * {@code exit_code:} ({@code None} without one), {@code stopped:} ({@code True}/{@code False}), 80 {@code -},
     * then the output, ending with a newline.
     *
     * @param runnerId the runner id
     * @param block    the run
     * @throws McrException when the file cannot be written
     */
    public void append(String runnerId, RunLogBlock block) {
        Path file = fileFor(runnerId);
        byte[] bytes = format(block).getBytes(StandardCharsets.UTF_8);
        synchronized (lockFor(file)) {
            try {
                try {
                    appendTo(file, bytes);
                } catch (NoSuchFileException e) {
                    // The data folder was removed under us; creating it only then spares a run two syscalls.
                    Files.createDirectories(dataDir);
                    appendTo(file, bytes);
                }
            } catch (IOException e) {
                throw new McrException("Could not append to the log file " + file + ": " + e.getMessage(), e);
            }
        }
    }

    private static void appendTo(Path file, byte[] bytes) throws IOException {
        try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND, LinkOption.NOFOLLOW_LINKS)) {
            out.write(bytes);
        }
    }

    /**
     * Reads a runner's log. A missing log reads as empty and is not created: reading never writes.
     *
     * @param runnerId the runner id
     * @return the text, decoded as UTF-8 with invalid bytes replaced
     * @throws McrException when the file cannot be read
     */
    public String read(String runnerId) {
        Path file = fileFor(runnerId);
        synchronized (lockFor(file)) {
            try (SeekableByteChannel ch = Files.newByteChannel(file, StandardOpenOption.READ,
                    LinkOption.NOFOLLOW_LINKS)) {
                long size = ch.size();
                if (size > Integer.MAX_VALUE - 16) {
                    throw new McrException("The log file " + file + " is too large to read; clear it.");
                }
                ByteBuffer buf = ByteBuffer.allocate((int) size);
                while (buf.hasRemaining()) {
                    if (ch.read(buf) < 0) {
                        break;
                    }
                }
                return new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8);
            } catch (NoSuchFileException e) {
                return "";
            } catch (IOException e) {
                throw new McrException("Could not read the log file " + file + ": " + e.getMessage(), e);
            }
        }
    }

    /**
     * Empties a runner's log. A missing log stays missing: there is nothing to empty.
     *
     * @param runnerId the runner id
     * @throws McrException when the file cannot be written
     */
    public void clear(String runnerId) {
        Path file = fileFor(runnerId);
        synchronized (lockFor(file)) {
            try {
                OpenOption[] opts = {StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING,
                        LinkOption.NOFOLLOW_LINKS};
                Files.newByteChannel(file, opts).close();
            } catch (NoSuchFileException e) {
                // Nothing to empty.
            } catch (IOException e) {
                throw new McrException("Could not clear the log file " + file + ": " + e.getMessage(), e);
            }
        }
    }

    static String format(RunLogBlock b) {
        StringBuilder sb = new StringBuilder(256 + b.output().length());
        sb.append('\n')
                .append(RULE_EQ).append('\n')
                .append("timestamp: ").append(Timestamps.format(b.ts(), b.zone())).append('\n')
                .append("runner: ").append(b.runnerName()).append('\n')
                .append("command: ").append(b.command()).append('\n')
                .append("exit_code: ").append(b.exitCode() == null ? "None" : b.exitCode().toString()).append('\n')
                .append("stopped: ").append(b.stopped() ? "True" : "False").append('\n')
                .append(RULE_DASH).append('\n')
                .append(b.output());
        if (!b.output().endsWith("\n")) {
            sb.append('\n');
        }
        return sb.toString();
    }

    private Object lockFor(Path file) {
        return locks.computeIfAbsent(file, f -> new Object());
    }

    /** Whether an id is already its own reduction: only {@code [A-Za-z0-9_-]}, no {@code _} at either end. */
    private static boolean isPlain(String id) {
        int n = id.length();
        if (n == 0 || id.charAt(0) == '_' || id.charAt(n - 1) == '_') {
            return false;
        }
        for (int i = 0; i < n; i++) {
            char c = id.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-')) {
                return false;
            }
        }
        return true;
    }

    private static String stripUnderscores(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && s.charAt(start) == '_') {
            start++;
        }
        while (end > start && s.charAt(end - 1) == '_') {
            end--;
        }
        return s.substring(start, end);
    }
}
