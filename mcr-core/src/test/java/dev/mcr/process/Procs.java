package dev.mcr.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.BooleanSupplier;

/** Test helpers that look at real processes through /proc. */
final class Procs {

    private Procs() {
    }

    /** True when the pid has no /proc entry or is a zombie (PID 1 here may never reap orphans). */
    static boolean isGone(long pid) {
        return Procfs.stat(pid).map(s -> !s.live()).orElse(true);
    }

    static OptionalLong pgidOf(long pid) {
        return Procfs.stat(pid).map(s -> OptionalLong.of(s.pgid())).orElse(OptionalLong.empty());
    }

    /** Live processes whose environment holds {@code name=value}. */
    static List<Long> liveWithEnv(String name, String value) {
        String entry = name + "=" + value;
        List<Long> found = new ArrayList<>();
        for (long pid : Procfs.pids()) {
            try {
                byte[] env = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "environ"));
                for (String e : new String(env, StandardCharsets.UTF_8).split("\0")) {
                    if (e.equals(entry) && !isGone(pid)) {
                        found.add(pid);
                        break;
                    }
                }
            } catch (IOException e) {
                // Ended meanwhile or not ours.
            }
        }
        return found;
    }

    /** Waits for a live member of the process group running the named command; returns its pid. */
    static long awaitMember(long pgid, String comm, Duration timeout) throws InterruptedException {
        long[] found = new long[1];
        boolean ok = await(() -> {
            for (long pid : Procfs.pids()) {
                if (Procfs.isLiveInGroup(pid, pgid) && comm.equals(comm(pid))) {
                    found[0] = pid;
                    return true;
                }
            }
            return false;
        }, timeout);
        if (!ok) {
            throw new AssertionError("No " + comm + " in process group " + pgid + " within " + timeout + ".");
        }
        return found[0];
    }

    static String comm(long pid) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(pid), "comm")).strip();
        } catch (IOException e) {
            return "";
        }
    }

    /** Polls until the condition holds; returns whether it did before the timeout. */
    static boolean await(BooleanSupplier condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(10);
        }
        return true;
    }
}
