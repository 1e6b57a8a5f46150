package dev.mcr.bench;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.locks.LockSupport;

/**
 * A tiny command for latency measurements: prints {@code <n> <wall clock in microseconds>} lines at a fixed rate,
 * each flushed at once. The rate is kept on an absolute schedule, so a late line does not delay the next ones.
 *
 * <pre>java -cp mcr-bench.jar dev.mcr.bench.PacedPrinter 1000 5000</pre>
 */
public final class PacedPrinter {

    private PacedPrinter() {
    }

    /**
     * Prints the lines.
     *
     * @param args lines per second, then how many lines
     * @throws IOException when standard output fails
     */
    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: PacedPrinter <lines per second> <lines>");
            System.exit(2);
        }
        long rate = Long.parseLong(args[0]);
        long count = Long.parseLong(args[1]);
        OutputStream out = new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 256);
        long period = 1_000_000_000L / rate;
        long start = System.nanoTime();
        for (long i = 1; i <= count; i++) {
            long wait = start + i * period - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            out.write((i + " " + epochMicros() + "\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }
    }

    /**
     * Returns the wall clock in microseconds since the epoch.
     *
     * @return microseconds
     */
    public static long epochMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
    }
}
