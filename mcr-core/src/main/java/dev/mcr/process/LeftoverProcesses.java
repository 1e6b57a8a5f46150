package dev.mcr.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds and kills processes of runs that an earlier, killed instance left behind.
 *
 * <p>Every run carries a marker in its environment ({@code MCR_RUN_ID=<uuid>}), inherited by everything it
 * starts. A process is only touched when its {@code /proc/<pid>/environ} holds one of the given markers, so a
 * reused pid or process group id never hits a stranger. For each marked process, its descendants (also those
 * that cleared their environment) are killed, and so is its process group when the group's leader is itself
 * marked (the run's shell, started with {@code setsid}). The calling JVM and its ancestors are never touched.
 *
 * <p>Linux only ({@code /proc}); elsewhere nothing is found. Only processes of the same user can be read.
 */
public final class LeftoverProcesses {

    private static final Logger LOG = LoggerFactory.getLogger(LeftoverProcesses.class);
    private static final Path PROC = Path.of("/proc");
    private static final String KILL_COMMAND = Files.isExecutable(Path.of("/bin/kill")) ? "/bin/kill" : "kill";
    private static final int ROUNDS = 3;

    private LeftoverProcesses() {
    }

    /**
     * Returns the live processes whose environment holds {@code envName=value} for one of the values.
     *
     * @param envName the variable, such as {@code MCR_RUN_ID}
     * @param values  the markers to look for
     * @return marker to pids, in the order of the values; markers without a live process are left out
     */
    public static Map<String, List<Long>> find(String envName, Collection<String> values) {
        Objects.requireNonNull(envName, "The variable name must not be null.");
        Set<String> wanted = Set.copyOf(values);
        Map<String, List<Long>> found = new LinkedHashMap<>();
        if (wanted.isEmpty()) {
            return found;
        }
        Set<Long> protectedPids = selfAndAncestors();
        String prefix = envName + "=";
        for (long pid : Procfs.pids()) {
            if (protectedPids.contains(pid) || !Procfs.isLive(pid)) {
                continue;
            }
            String marker = markerOf(pid, prefix, wanted);
            if (marker != null) {
                found.computeIfAbsent(marker, k -> new ArrayList<>()).add(pid);
            }
        }
        Map<String, List<Long>> ordered = new LinkedHashMap<>();
        for (String v : values) {
            List<Long> pids = found.get(v);
            if (pids != null) {
                ordered.put(v, List.copyOf(pids));
            }
        }
        return ordered;
    }

    /**
     * Sends SIGKILL to every live process marked with one of the values, to their descendants and to the
     * process groups they lead, and waits (bounded) until they are gone. Processes that appear while this runs
     * (forked before they died) are caught by a second look.
     *
     * @param envName the variable, such as {@code MCR_RUN_ID}
     * @param values  the markers
     * @param wait    how long to wait for the processes to end in each round
     * @return marker to the pids that were killed (marked processes and their descendants); markers without a
     *     live process are left out
     */
    public static Map<String, List<Long>> kill(String envName, Collection<String> values, Duration wait) {
        Objects.requireNonNull(wait, "The wait must not be null.");
        Map<String, Set<Long>> killed = new LinkedHashMap<>();
        Set<Long> protectedPids = selfAndAncestors();
        long ownGroup = Procfs.stat(ProcessHandle.current().pid()).map(Procfs.Stat::pgid).orElse(-1L);
        for (int round = 0; round < ROUNDS; round++) {
            Map<String, List<Long>> marked = find(envName, values);
            if (marked.isEmpty()) {
                break;
            }
            Set<Long> markedPids = new HashSet<>();
            marked.values().forEach(markedPids::addAll);
            Set<Long> groups = new LinkedHashSet<>();
            Set<Long> targets = new LinkedHashSet<>();
            for (Map.Entry<String, List<Long>> e : marked.entrySet()) {
                Set<Long> mine = killed.computeIfAbsent(e.getKey(), k -> new LinkedHashSet<>());
                for (long pid : e.getValue()) {
                    mine.add(pid);
                    targets.add(pid);
                    ProcessHandle.of(pid).ifPresent(h -> h.descendants().forEach(d -> {
                        if (!protectedPids.contains(d.pid())) {
                            mine.add(d.pid());
                            targets.add(d.pid());
                        }
                    }));
                    Procfs.stat(pid).ifPresent(st -> {
                        // Only a group whose leader is one of ours: the number cannot belong to a stranger.
                        if (st.pgid() == pid && st.pgid() != ownGroup) {
                            groups.add(st.pgid());
                        }
                    });
                }
            }
            signalKill(groups, targets);
            awaitGone(targets, groups, wait);
        }
        Map<String, List<Long>> out = new LinkedHashMap<>();
        killed.forEach((k, v) -> out.put(k, List.copyOf(v)));
        return out;
    }

    private static String markerOf(long pid, String prefix, Set<String> wanted) {
        byte[] env;
        try {
            env = Files.readAllBytes(PROC.resolve(Long.toString(pid)).resolve("environ"));
        } catch (IOException | RuntimeException e) {
            return null;
        }
        int start = 0;
        for (int i = 0; i <= env.length; i++) {
            if (i == env.length || env[i] == 0) {
                if (i - start > prefix.length()) {
                    String entry = new String(env, start, i - start, StandardCharsets.ISO_8859_1);
                    if (entry.startsWith(prefix)) {
                        String value = entry.substring(prefix.length());
                        return wanted.contains(value) ? value : null;
                    }
                }
                start = i + 1;
            }
        }
        return null;
    }

    private static Set<Long> selfAndAncestors() {
        Set<Long> pids = new HashSet<>();
        ProcessHandle h = ProcessHandle.current();
        for (int depth = 0; h != null && depth < 64; depth++) {
            pids.add(h.pid());
            h = h.parent().orElse(null);
        }
        return pids;
    }

    private static void signalKill(Set<Long> groups, Set<Long> pids) {
        List<String> cmd = new ArrayList<>();
        cmd.add(KILL_COMMAND);
        cmd.add("-KILL");
        cmd.add("--");
        for (long g : groups) {
            cmd.add("-" + g);
        }
        for (long p : pids) {
            cmd.add(Long.toString(p));
        }
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            // kill needs no environment, and no process mcr starts may see its secrets.
            pb.environment().clear();
            Process kill = pb.start();
            if (!kill.waitFor(5, TimeUnit.SECONDS)) {
                kill.destroyForcibly();
            }
        } catch (IOException e) {
            LOG.warn("Cannot run {} to kill leftover processes: {}", KILL_COMMAND, e.getMessage());
            for (long g : groups) {
                for (long member : Procfs.pids()) {
                    if (Procfs.isLiveInGroup(member, g)) {
                        ProcessHandle.of(member).ifPresent(ProcessHandle::destroyForcibly);
                    }
                }
            }
            for (long p : pids) {
                ProcessHandle.of(p).ifPresent(ProcessHandle::destroyForcibly);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void awaitGone(Set<Long> pids, Set<Long> groups, Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        while (System.nanoTime() < deadline) {
            boolean alive = pids.stream().anyMatch(Procfs::isLive) || groups.stream().anyMatch(Procfs::groupAlive);
            if (!alive) {
                return;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        LOG.warn("Some leftover processes are still alive after SIGKILL: {}", pids.stream().filter(Procfs::isLive)
                .toList());
    }
}
