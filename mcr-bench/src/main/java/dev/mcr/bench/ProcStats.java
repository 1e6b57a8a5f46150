package dev.mcr.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Reads CPU time and resident memory from Linux {@code /proc}. */
public final class ProcStats {

    private static final long TICKS_PER_SECOND = clockTicks();

    private ProcStats() {
    }

    /**
     * Returns the CPU time this JVM used so far, user plus system, all threads.
     *
     * @return nanoseconds
     */
    public static long selfCpuNanos() {
        java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            long t = sun.getProcessCpuTime();
            if (t >= 0) {
                return t;
            }
        }
        long[] f = statTimes("self");
        return (f[0] + f[1]) * TimeUnit.SECONDS.toNanos(1) / TICKS_PER_SECOND;
    }

    /**
     * Returns the CPU time of this JVM's children that ended and were reaped (the shells it spawned),
     * user plus system, from {@code cutime} and {@code cstime} of {@code /proc/self/stat}.
     *
     * @return nanoseconds, with the kernel's clock-tick resolution
     */
    public static long childrenCpuNanos() {
        long[] f = statTimes("self");
        return (f[2] + f[3]) * TimeUnit.SECONDS.toNanos(1) / TICKS_PER_SECOND;
    }

    /**
     * Returns the CPU time a process used so far, user plus system, from {@code /proc/<pid>/stat}.
     *
     * @param pid the process
     * @return nanoseconds, with the kernel's clock-tick resolution
     */
    public static long cpuNanos(long pid) {
        long[] f = statTimes(Long.toString(pid));
        return (f[0] + f[1]) * TimeUnit.SECONDS.toNanos(1) / TICKS_PER_SECOND;
    }

    /**
     * Returns a process's resident set size ({@code VmRSS} of {@code /proc/<pid>/status}).
     *
     * @param pid the process
     * @return kibibytes
     * @throws IllegalStateException when the process is gone or the field is missing
     */
    public static long rssKiB(long pid) {
        Path status = Path.of("/proc", Long.toString(pid), "status");
        try {
            for (String line : Files.readAllLines(status, StandardCharsets.ISO_8859_1)) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.substring(6).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("Cannot read the resident size of process " + pid + ": " + e.getMessage(), e);
        }
        throw new IllegalStateException("Process " + pid + " has no VmRSS line (a kernel thread or a zombie).");
    }

    /**
     * Returns the context switches (voluntary plus involuntary) of this JVM's live threads whose name starts
     * with a prefix, from {@code /proc/self/task/<tid>/status}; the kernel knows a thread by the first 15
     * characters of its name.
     *
     * @param namePrefix the start of the thread name, for example {@code "mcr-events-"}
     * @return the sum over the matching threads (0 when none is alive)
     */
    public static long threadSwitches(String namePrefix) {
        String prefix = namePrefix.length() > 15 ? namePrefix.substring(0, 15) : namePrefix;
        long sum = 0;
        try (java.util.stream.Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path t : tasks.toList()) {
                try {
                    if (!Files.readString(t.resolve("comm"), StandardCharsets.ISO_8859_1).strip().startsWith(prefix)) {
                        continue;
                    }
                    for (String line : Files.readAllLines(t.resolve("status"), StandardCharsets.ISO_8859_1)) {
                        if (line.startsWith("voluntary_ctxt_switches:") || line.startsWith("nonvoluntary_ctxt_switches:")) {
                            sum += Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
                        }
                    }
                } catch (IOException | RuntimeException gone) {
                    // The thread ended meanwhile.
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("Cannot list /proc/self/task: " + e.getMessage(), e);
        }
        return sum;
    }

    /** utime, stime, cutime, cstime in clock ticks. */
    private static long[] statTimes(String pid) {
        try {
            String s = Files.readString(Path.of("/proc", pid, "stat"), StandardCharsets.ISO_8859_1);
            // The command name may hold spaces: fields are counted after its closing parenthesis.
            String[] f = s.substring(s.lastIndexOf(')') + 2).trim().split(" ");
            // f[0] is field 3 (state); utime is field 14.
            return new long[] {Long.parseLong(f[11]), Long.parseLong(f[12]), Long.parseLong(f[13]), Long.parseLong(f[14])};
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("Cannot read /proc/" + pid + "/stat: " + e.getMessage(), e);
        }
    }

    private static long clockTicks() {
        try {
            Process p = new ProcessBuilder(List.of("getconf", "CLK_TCK")).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            p.waitFor();
            return Long.parseLong(out);
        } catch (IOException | RuntimeException e) {
            return 100;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 100;
        }
    }
}
