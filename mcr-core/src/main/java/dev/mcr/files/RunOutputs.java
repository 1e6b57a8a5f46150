package dev.mcr.files;

import dev.mcr.error.McrException;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collection;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The output of each run, one file per run: {@code DATA_DIR/runs/<run_id>.out}, mode 0600, in a folder of mode 0700.
 *
 * <p>Files of their own rather than offsets into the runner's log: that log is written only when logging is on, is
 * rotated by size and emptied by a user, while a run's output must live exactly as long as its record. A file per
 * run is also deleted on its own when retention drops it, and streamed without reading it into memory.
 */
public final class RunOutputs {

    /** The folder of the output files in the data folder. */
    public static final String DIR_NAME = "runs";

    private static final Logger LOG = LoggerFactory.getLogger(RunOutputs.class);
    private static final Pattern RUN_ID = Pattern.compile("[A-Za-z0-9_-]{1,120}");
    private static final int BACKWARD_CHUNK = 8192;

    private final Path dir;

    /**
     * @param dataDir the data folder; the output folder in it is created at the first run
     */
    public RunOutputs(Path dataDir) {
        this.dir = dataDir.resolve(DIR_NAME);
    }

    /**
     * Creates the output file of a run that starts.
     *
     * @param runId the run
     * @return a buffered stream to append the output to; close it when the run ends
     * @throws IOException when the file cannot be created
     */
    public OutputStream create(String runId) throws IOException {
        Path file = fileFor(runId);
        DataFolder.createPrivateDirectory(dir);
        // One open that creates the file with its private mode.
        FileChannel ch = FileChannel.open(file, java.util.Set.of(StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS), DataFolder.privateFileAttributes(file));
        return new BufferedOutputStream(java.nio.channels.Channels.newOutputStream(ch), 8192);
    }

    /**
     * Opens the output of a run.
     *
     * @param runId     the run
     * @param tailLines 0 for all of it, otherwise only its last this many lines
     * @return the bytes, or {@code null} when the run has no output file
     * @throws McrException when the file cannot be read
     */
    public LogSlice open(String runId, int tailLines) {
        if (tailLines < 0) {
            throw new IllegalArgumentException("tail_lines must be 0 (all of it) or more, not " + tailLines + ".");
        }
        Path file = fileFor(runId);
        FileChannel ch;
        try {
            ch = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new McrException("Could not read the output of run " + runId + ": " + e.getMessage(), e);
        }
        try {
            long size = ch.size();
            long start = tailLines == 0 ? 0 : startOfLastLines(ch, size, tailLines);
            return new LogSlice(new RunLogs.Slice(ch, start, size), size - start);
        } catch (IOException | RuntimeException e) {
            RunLogs.closeQuietly(ch);
            throw new McrException("Could not read the output of run " + runId + ": " + e.getMessage(), e);
        }
    }

    /**
     * Counts the lines and bytes of a run's output file (for a run whose server was killed).
     *
     * @param runId the run
     * @return {@code {lines, bytes}}, zeros when there is no file
     */
    public long[] count(String runId) {
        long lines = 0;
        long bytes = 0;
        try (InputStream in = Files.newInputStream(fileFor(runId), LinkOption.NOFOLLOW_LINKS)) {
            byte[] buf = new byte[BACKWARD_CHUNK];
            int n;
            boolean open = false;
            while ((n = in.read(buf)) > 0) {
                bytes += n;
                for (int i = 0; i < n; i++) {
                    if (buf[i] == '\n') {
                        lines++;
                    }
                }
                open = buf[n - 1] != '\n';
            }
            return new long[] {open ? lines + 1 : lines, bytes};
        } catch (NoSuchFileException e) {
            return new long[] {0, 0};
        } catch (IOException e) {
            LOG.warn("Could not read the output of run {}: {}", runId, e.getMessage());
            return new long[] {0, 0};
        }
    }

    /**
     * Deletes the output files of runs; missing ones are skipped.
     *
     * @param runIds the runs
     */
    public void delete(Collection<String> runIds) {
        for (String id : runIds) {
            try {
                Files.deleteIfExists(fileFor(id));
            } catch (IOException | IllegalArgumentException e) {
                LOG.warn("Could not delete the output of run {}: {}", id, e.getMessage());
            }
        }
    }

    /** The file of a run; a run id is never a path. */
    Path fileFor(String runId) {
        if (runId == null || !RUN_ID.matcher(runId).matches()) {
            throw new IllegalArgumentException("A run id has 1 to 120 characters of A-Z, a-z, 0-9, _ and -.");
        }
        return dir.resolve(runId + ".out");
    }

    /** Where the last {@code lines} lines start: after the newline that ends the line before them. */
    private static long startOfLastLines(FileChannel ch, long size, int lines) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(BACKWARD_CHUNK);
        long end = size;
        // The newline that ends the file ends the last line; it does not start one.
        long skipLast = size - 1;
        int seen = 0;
        while (end > 0) {
            long from = Math.max(0, end - BACKWARD_CHUNK);
            buf.clear().limit((int) (end - from));
            while (buf.hasRemaining()) {
                if (ch.read(buf, from + buf.position()) < 0) {
                    throw new IOException("The file became shorter while it was read.");
                }
            }
            for (int i = (int) (end - from) - 1; i >= 0; i--) {
                long at = from + i;
                if (buf.get(i) == '\n' && at != skipLast && ++seen == lines) {
                    return at + 1;
                }
            }
            end = from;
        }
        return 0;
    }
}
