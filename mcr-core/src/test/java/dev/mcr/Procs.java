package dev.mcr;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Finds live processes through /proc, by a marker in their environment. */
final class Procs {
    private Procs() {
    }

    /** Returns the pids of live (non-zombie) processes whose environment contains the marker. */
    static List<Long> withEnvMarker(String marker) {
        List<Long> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(Path.of("/proc"))) {
            for (Path p : (Iterable<Path>) s::iterator) {
                String name = p.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                try {
                    String stat = Files.readString(p.resolve("stat"));
                    String afterComm = stat.substring(stat.lastIndexOf(')') + 2);
                    if (afterComm.startsWith("Z")) {
                        continue;
                    }
                    byte[] env = Files.readAllBytes(p.resolve("environ"));
                    if (new String(env, java.nio.charset.StandardCharsets.ISO_8859_1).contains(marker)) {
                        out.add(Long.parseLong(name));
                    }
                } catch (IOException | RuntimeException ignored) {
                    // the process ended while we looked, or is not ours to read
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    /**
     * Polls until at least {@code n} processes carry the marker; returns those found at last. A child between fork
     * and exec, or in the middle of its exec, can be missed by one look at /proc, so a tree is counted until it shows.
     */
    static List<Long> awaitAtLeast(String marker, int n, long timeoutMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        List<Long> found = withEnvMarker(marker);
        while (found.size() < n && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
            found = withEnvMarker(marker);
        }
        return found;
    }

    /** Polls until no process carries the marker; returns the survivors at the deadline. */
    static List<Long> awaitGone(String marker, long timeoutMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        List<Long> left = withEnvMarker(marker);
        while (!left.isEmpty() && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
            left = withEnvMarker(marker);
        }
        return left;
    }
}
