package dev.mcr.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Finds live processes through /proc by an entry of their environment, such as {@code MCR_RUNNER_ID=<id>}. */
final class Procs {

    private Procs() {
    }

    /** Pids of live (non-zombie) processes whose environment holds exactly this {@code NAME=value} entry. */
    static List<Long> withEnv(String entry) {
        List<Long> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(Path.of("/proc"))) {
            for (Path p : (Iterable<Path>) s::iterator) {
                String name = p.getFileName().toString();
                if (name.isEmpty() || !name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                try {
                    String stat = Files.readString(p.resolve("stat"), StandardCharsets.ISO_8859_1);
                    if (stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z")) {
                        continue;
                    }
                    String env = new String(Files.readAllBytes(p.resolve("environ")), StandardCharsets.ISO_8859_1);
                    for (String e : env.split("\0")) {
                        if (e.equals(entry)) {
                            out.add(Long.parseLong(name));
                            break;
                        }
                    }
                } catch (IOException | RuntimeException ignored) {
                    // Ended while we looked, or not ours to read.
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    /** Processes of any run of the runner. */
    static List<Long> ofRunner(String runnerId) {
        return withEnv("MCR_RUNNER_ID=" + runnerId);
    }

    /** Polls until no process of the runner is left; returns the survivors at the deadline. */
    static List<Long> awaitGone(String runnerId, long timeoutMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        List<Long> left = ofRunner(runnerId);
        while (!left.isEmpty() && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
            left = ofRunner(runnerId);
        }
        return left;
    }

    /** Polls until at least {@code n} processes of the runner run; returns them. */
    static List<Long> awaitAtLeast(String runnerId, int n, long timeoutMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        List<Long> found = ofRunner(runnerId);
        while (found.size() < n && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
            found = ofRunner(runnerId);
        }
        return found;
    }

    /** Test clean-up: SIGKILL whatever is left of the runners, whatever happened. */
    static void killAll(List<String> runnerIds) {
        for (String id : runnerIds) {
            for (long pid : ofRunner(id)) {
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
    }
}
