package dev.mcr.files;

import dev.mcr.error.McrException;
import dev.mcr.model.Timestamps;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.regex.Pattern;

/**
 * The per-runner log files {@code DATA_DIR/run_<id>.log}, in the original tool's exact format, with rotation.
 *
 * <p>The id is reduced like the original does (runs of characters outside {@code [A-Za-z0-9_-]} become one
 * {@code _}, leading and trailing {@code _} are dropped), so existing files are found; the resulting file is
 * always directly inside the data folder, and symbolic links are never followed. Thread-safe: operations on
 * the same file are serialized.
 *
 * <p><b>Rotation.</b> When appending a run block would make {@code run_<id>.log} larger than {@code maxBytes}
 * and the file is not empty, the file is rotated first: {@code run_<id>.log.(maxFiles-1)} becomes
 * {@code .maxFiles} (the old {@code .maxFiles} and any higher number are deleted), …, {@code run_<id>.log}
 * becomes {@code run_<id>.log.1}, and the block goes to a fresh {@code run_<id>.log}. {@code maxFiles} counts the
 * rotated files kept besides the current one, so a runner's log takes at most about
 * {@code (maxFiles + 1) × maxBytes} bytes; with {@code maxFiles = 0} the current file is simply started anew. A
 * single block larger than {@code maxBytes} is still written whole, into a fresh file. Only the current file is
 * served by {@link #open(String, long)}; rotated files stay on disk for the operator.
 */
public final class RunLogs {

    /** Default size at which a log is rotated: 10 MiB. */
    public static final long DEFAULT_MAX_BYTES = 10L * 1024 * 1024;
    /** Smallest accepted rotation size: 4 KiB (a run block's header alone takes about 300 bytes). */
    public static final long MIN_MAX_BYTES = 4096;
    /** Default number of rotated files kept per runner: 5. */
    public static final int DEFAULT_MAX_FILES = 5;
    /** Largest accepted number of rotated files kept per runner: 1000. */
    public static final int MAX_MAX_FILES = 1000;

    private static final Pattern UNSAFE = Pattern.compile("[^a-zA-Z0-9_-]+");
    private static final Pattern ROTATED_SUFFIX = Pattern.compile("[1-9][0-9]{0,8}");
    private static final String RULE_EQ = "=".repeat(80);
    private static final String RULE_DASH = "-".repeat(80);
    private static final int SCAN_CHUNK = 64 * 1024;
    private static final Set<OpenOption> APPEND_OPTIONS = Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.APPEND, LinkOption.NOFOLLOW_LINKS);

    private final Path dataDir;
    private final long maxBytes;
    private final int maxFiles;
    /** Creates files with mode 0600 where the file system has POSIX permissions. */
    private final FileAttribute<?>[] privateFile;
    private final ConcurrentMap<Path, Object> locks = new ConcurrentHashMap<>();

    /**
     * Creates the log store with the default rotation ({@value #DEFAULT_MAX_BYTES} bytes, {@value #DEFAULT_MAX_FILES}
     * rotated files); nothing is touched on disk until a log is written.
     *
     * @param dataDir the data folder
     */
    public RunLogs(Path dataDir) {
        this(dataDir, DEFAULT_MAX_BYTES, DEFAULT_MAX_FILES);
    }

    /**
     * Creates the log store; nothing is touched on disk until a log is written.
     *
     * @param dataDir  the data folder
     * @param maxBytes the size a log may reach before it is rotated, at least {@value #MIN_MAX_BYTES}
     * @param maxFiles how many rotated files are kept per runner besides the current one, 0 to
     *                 {@value #MAX_MAX_FILES}
     * @throws IllegalArgumentException for a missing folder or a limit out of range
     */
    public RunLogs(Path dataDir, long maxBytes, int maxFiles) {
        if (dataDir == null) {
            throw new IllegalArgumentException("The data folder of the run logs must be given.");
        }
        if (maxBytes < MIN_MAX_BYTES) {
            throw new IllegalArgumentException("The log size limit must be at least " + MIN_MAX_BYTES + " bytes, not "
                    + maxBytes + "; the default is " + DEFAULT_MAX_BYTES + ".");
        }
        if (maxFiles < 0 || maxFiles > MAX_MAX_FILES) {
            throw new IllegalArgumentException("The number of rotated log files kept must be between 0 and "
                    + MAX_MAX_FILES + ", not " + maxFiles + "; the default is " + DEFAULT_MAX_FILES + ".");
        }
        this.dataDir = dataDir.toAbsolutePath().normalize();
        this.maxBytes = maxBytes;
        this.maxFiles = maxFiles;
        this.privateFile = DataFolder.privateFileAttributes(this.dataDir);
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
     * then the output, ending with a newline. Rotates the log first when the block would make it larger than the
     * limit (see the class description).
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
                FileChannel ch;
                try {
                    ch = openForAppend(file);
                } catch (NoSuchFileException e) {
                    // The data folder was removed under us; creating it only then spares a run two syscalls.
                    DataFolder.createPrivateDirectory(dataDir);
                    ch = openForAppend(file);
                }
                try {
                    long size = ch.size();
                    if (size > 0 && size + bytes.length > maxBytes) {
                        ch.close();
                        rotate(file);
                        ch = openForAppend(file);
                    }
                    ByteBuffer buf = ByteBuffer.wrap(bytes);
                    while (buf.hasRemaining()) {
                        ch.write(buf);
                    }
                } finally {
                    ch.close();
                }
            } catch (IOException e) {
                throw new McrException("Could not append to the log file " + file + ": " + e.getMessage(), e);
            }
        }
    }

    private FileChannel openForAppend(Path file) throws IOException {
        return FileChannel.open(file, APPEND_OPTIONS, privateFile);
    }

    /** Shifts the rotated files up by one, dropping what is beyond the limit, and moves the current file to .1. */
    private void rotate(Path file) throws IOException {
        for (int n : rotatedNumbers(file)) {
            if (n >= maxFiles) {
                Files.deleteIfExists(rotated(file, n));
            }
        }
        for (int n = maxFiles - 1; n >= 1; n--) {
            Path from = rotated(file, n);
            if (Files.exists(from, LinkOption.NOFOLLOW_LINKS)) {
                Files.move(from, rotated(file, n + 1), StandardCopyOption.ATOMIC_MOVE);
            }
        }
        // A rename, never a truncation: a reader holding the file open keeps every byte it was promised.
        if (maxFiles == 0) {
            Files.delete(file);
        } else {
            Files.move(file, rotated(file, 1), StandardCopyOption.ATOMIC_MOVE);
        }
    }

    private static Path rotated(Path file, int n) {
        return file.resolveSibling(file.getFileName() + "." + n);
    }

    /** The numbers of the existing rotated files, ascending; a missing folder has none. */
    private static List<Integer> rotatedNumbers(Path file) throws IOException {
        String prefix = file.getFileName() + ".";
        List<Integer> out = new ArrayList<>();
        // The reduced id holds only [A-Za-z0-9_-], so the name needs no glob escaping.
        try (DirectoryStream<Path> files = Files.newDirectoryStream(file.getParent(), prefix + "*")) {
            for (Path f : files) {
                String suffix = f.getFileName().toString().substring(prefix.length());
                if (ROTATED_SUFFIX.matcher(suffix).matches()) {
                    out.add(Integer.parseInt(suffix));
                }
            }
        } catch (NoSuchFileException e) {
            return out;
        }
        out.sort(null);
        return out;
    }

    /**
     * Opens a runner's current log file for reading without loading it into memory. The content is exactly the
     * bytes the file held when it was opened: appends made later are not part of it, and a rotation or a clear
     * meanwhile does not disturb it (the open file survives being renamed or replaced). A missing log opens as
     * empty and is not created.
     *
     * <p>With {@code tailBytes > 0} only the end of the file is returned, at most {@code tailBytes} bytes: it starts
     * at the first line start within that tail if there is one, otherwise at the cut, moved forward past any UTF-8
     * continuation bytes so that it never starts inside a character.
     *
     * @param runnerId  the runner id
     * @param tailBytes 0 for the whole file, otherwise the most bytes to return from its end
     * @return the content; the caller must close it
     * @throws IllegalArgumentException when {@code tailBytes} is negative or the id is unusable
     * @throws McrException             when the file cannot be read (for example when it is a symbolic link)
     */
    public LogSlice open(String runnerId, long tailBytes) {
        if (tailBytes < 0) {
            throw new IllegalArgumentException("tailBytes must be 0 (the whole log) or more, not " + tailBytes + ".");
        }
        Path file = fileFor(runnerId);
        FileChannel ch;
        long size;
        synchronized (lockFor(file)) {
            try {
                ch = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
            } catch (NoSuchFileException e) {
                return LogSlice.empty();
            } catch (IOException e) {
                throw new McrException("Could not read the log file " + file + ": " + e.getMessage(), e);
            }
            try {
                // Appends hold the same lock, so this size always ends after a whole run block.
                size = ch.size();
            } catch (IOException e) {
                closeQuietly(ch);
                throw new McrException("Could not read the log file " + file + ": " + e.getMessage(), e);
            }
        }
        try {
            long start = tailBytes == 0 || tailBytes >= size ? 0 : tailStart(ch, size, size - tailBytes);
            return new LogSlice(new Slice(ch, start, size), size - start);
        } catch (IOException | RuntimeException e) {
            closeQuietly(ch);
            throw new McrException("Could not read the log file " + file + ": " + e.getMessage(), e);
        }
    }

    /** The first line start at or after the cut (before the end), else the cut moved past continuation bytes. */
    private static long tailStart(FileChannel ch, long size, long cut) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate((int) Math.min(SCAN_CHUNK, size - cut + 1));
        long pos = cut - 1;
        while (pos < size - 1) {
            buf.clear();
            buf.limit((int) Math.min(buf.capacity(), size - 1 - pos));
            int n = ch.read(buf, pos);
            if (n <= 0) {
                break;
            }
            for (int i = 0; i < n; i++) {
                if (buf.get(i) == '\n') {
                    return pos + i + 1;
                }
            }
            pos += n;
        }
        long start = cut;
        ByteBuffer one = ByteBuffer.allocate(1);
        for (int skipped = 0; skipped < 3 && start < size; skipped++) {
            one.clear();
            if (ch.read(one, start) <= 0 || (one.get(0) & 0xC0) != 0x80) {
                break;
            }
            start++;
        }
        return start;
    }

    /**
     * Empties a runner's log and deletes its rotated files. A missing log stays missing: there is nothing to
     * empty. The current file is replaced by an empty one rather than truncated, so a reader that opened it before
     * still gets every byte it was promised.
     *
     * @param runnerId the runner id
     * @throws McrException when the files cannot be changed (for example when the log is a symbolic link)
     */
    public void clear(String runnerId) {
        Path file = fileFor(runnerId);
        synchronized (lockFor(file)) {
            try {
                for (int n : rotatedNumbers(file)) {
                    Files.deleteIfExists(rotated(file, n));
                }
                BasicFileAttributes attrs;
                try {
                    attrs = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                } catch (NoSuchFileException e) {
                    return;
                }
                if (!attrs.isRegularFile()) {
                    throw new IOException("it is not a regular file, so it is left as it is");
                }
                Path empty = file.resolveSibling(file.getFileName() + ".clearing");
                FileChannel.open(empty, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                        StandardOpenOption.TRUNCATE_EXISTING, LinkOption.NOFOLLOW_LINKS), privateFile).close();
                Files.move(empty, file, StandardCopyOption.ATOMIC_MOVE);
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
                .append("stopped: ").append(b.stopped() ? "True" : "False").append('\n');
        if (b.timeout() != null) {
            sb.append("timed_out: True (after ").append(b.timeout().getSeconds()).append(" s)\n");
        }
        if (b.attempt() > 0) {
            sb.append("attempt: ").append(b.attempt()).append('\n');
        }
        // Ours, after the original's fields: a reader of the original's format skips keys it does not know.
        if (b.startedTs() != null) {
            sb.append("started: ").append(Timestamps.format(b.startedTs(), b.zone())).append('\n')
                    .append("duration_ms: ").append(Math.max(0, Duration.between(b.startedTs(), b.ts()).toMillis()))
                    .append('\n');
        }
        if (b.trigger() != null) {
            sb.append("trigger: ").append(b.trigger()).append('\n');
        }
        sb.append(RULE_DASH).append('\n')
                .append(b.output());
        if (!b.output().endsWith("\n")) {
            sb.append('\n');
        }
        return sb.toString();
    }

    private Object lockFor(Path file) {
        return locks.computeIfAbsent(file, f -> new Object());
    }

    static void closeQuietly(FileChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // Nothing was read; the failure that matters is reported by the caller.
        }
    }

    /** The bytes {@code [start, end)} of an open file, read with positional reads; closing closes the file. */
    static final class Slice extends InputStream {
        private final FileChannel ch;
        private final long end;
        private long pos;

        Slice(FileChannel ch, long start, long end) {
            this.ch = ch;
            this.pos = start;
            this.end = end;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            java.util.Objects.checkFromIndexSize(off, len, b.length);
            if (len == 0) {
                return 0;
            }
            if (pos >= end) {
                return -1;
            }
            int n = ch.read(ByteBuffer.wrap(b, off, (int) Math.min(len, end - pos)), pos);
            if (n < 0) {
                // Only something outside mcr shrinks a log file: mcr replaces or renames it instead.
                throw new IOException("The file became shorter while it was read.");
            }
            pos += n;
            return n;
        }

        @Override
        public long skip(long n) {
            long skipped = Math.max(0, Math.min(n, end - pos));
            pos += skipped;
            return skipped;
        }

        @Override
        public int available() {
            return (int) Math.min(Integer.MAX_VALUE, end - pos);
        }

        @Override
        public void close() throws IOException {
            ch.close();
        }
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
