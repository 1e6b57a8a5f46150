package dev.mcr.process;

import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/** Reads what it needs from Linux {@code /proc}: process state, group, pipe holders. */
final class Procfs {

    private static final Path PROC = Path.of("/proc");
    private static final File PROC_DIR = new File("/proc");
    private static final File OWN_TASKS = new File("/proc/self/task");
    private static final int SMALL_PID_RANGE = 256;

    private Procfs() {
    }

    /** The fields of {@code /proc/<pid>/stat} this package uses. */
    record Stat(long pid, char state, long ppid, long pgid, long startTicks) {

        /** Zombies count as gone: in a container PID 1 may never reap them. */
        boolean live() {
            return state != 'Z' && state != 'X' && state != 'x';
        }
    }

    static Optional<Stat> stat(long pid) {
        String line = readSmall("/proc/" + pid + "/stat");
        return line == null ? Optional.empty() : parse(pid, line);
    }

    /**
     * Reads a short /proc file with a plain stream and one buffer: this runs for many processes after every
     * run, and NIO's channel set-up costs more than the read itself. Null when it cannot be read.
     */
    private static String readSmall(String path) {
        try (FileInputStream in = new FileInputStream(path)) {
            byte[] buf = new byte[1024];
            int n = 0;
            int r;
            while (n < buf.length && (r = in.read(buf, n, buf.length - n)) > 0) {
                n += r;
            }
            return new String(buf, 0, n, StandardCharsets.ISO_8859_1);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Parses a stat line; the command name may hold spaces and parentheses, so split after the last ')'. */
    static Optional<Stat> parse(long pid, String line) {
        int close = line.lastIndexOf(')');
        if (close < 0 || close + 2 > line.length()) {
            return Optional.empty();
        }
        // After the name: state, ppid, pgrp, ... and the start time (field 22) at index 19.
        String[] fields = line.substring(close + 2).split(" ", 21);
        if (fields.length < 3 || fields[0].isEmpty()) {
            return Optional.empty();
        }
        try {
            long startTicks = fields.length > 19 ? Long.parseLong(fields[19]) : 0;
            return Optional.of(new Stat(pid, fields[0].charAt(0),
                    Long.parseLong(fields[1]), Long.parseLong(fields[2]), startTicks));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    static boolean isLive(long pid) {
        return stat(pid).map(Stat::live).orElse(false);
    }

    /** Whether a process is live and in the given process group. */
    static boolean isLiveInGroup(long pid, long pgid) {
        return stat(pid).map(s -> s.live() && s.pgid() == pgid).orElse(false);
    }

    static List<Long> pids() {
        List<Long> pids = new ArrayList<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(PROC)) {
            for (Path p : dir) {
                String name = p.getFileName().toString();
                if (isDigits(name)) {
                    pids.add(Long.parseLong(name));
                }
            }
        } catch (IOException | RuntimeException e) {
            // An unreadable /proc yields no pids; callers then rely on their process handles.
        }
        return pids;
    }

    /** Whether any live (non-zombie) process has the given process group id. */
    static boolean groupAlive(long pgid) {
        if (isLiveInGroup(pgid, pgid)) {
            return true;
        }
        for (long pid : pids()) {
            if (isLiveInGroup(pid, pgid)) {
                return true;
            }
        }
        return false;
    }

    /** The pid's open file descriptor target, such as {@code pipe:[1234]}, if readable. */
    static Optional<String> fdTarget(long pid, int fd) {
        try {
            return Optional.of(Files.readSymbolicLink(
                    PROC.resolve(Long.toString(pid)).resolve("fd").resolve(Integer.toString(fd))).toString());
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Whether a process's (initial) environment holds every one of the entries. */
    static boolean environContains(long pid, Map<String, String> entries) {
        if (entries.isEmpty()) {
            return false;
        }
        try {
            byte[] bytes = Files.readAllBytes(PROC.resolve(Long.toString(pid)).resolve("environ"));
            Set<String> env = new HashSet<>(List.of(new String(bytes, StandardCharsets.UTF_8).split("\0")));
            for (Map.Entry<String, String> e : entries.entrySet()) {
                if (!env.contains(e.getKey() + "=" + e.getValue())) {
                    return false;
                }
            }
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** The pipes a process has on the given descriptors, as named in /proc ({@code pipe:[inode]}). */
    static Set<String> pipesOn(long pid, int... fds) {
        Set<String> pipes = new HashSet<>();
        for (int fd : fds) {
            fdTarget(pid, fd).filter(t -> t.startsWith("pipe:")).ifPresent(pipes::add);
        }
        return pipes;
    }

    /**
     * The subset of pipes that none of the candidate processes other than {@code excludePid} has open for
     * reading.
     */
    static Set<String> unread(Set<String> pipes, long excludePid, List<Long> candidates) {
        Set<String> unread = new HashSet<>(pipes);
        if (unread.isEmpty()) {
            return unread;
        }
        for (long pid : candidates) {
            if (pid == excludePid || unread.isEmpty()) {
                continue;
            }
            Path fdDir = PROC.resolve(Long.toString(pid)).resolve("fd");
            try (DirectoryStream<Path> fds = Files.newDirectoryStream(fdDir)) {
                for (Path fd : fds) {
                    String target = readLink(fd);
                    if (target != null && unread.contains(target) && readable(pid, fd.getFileName().toString())) {
                        unread.remove(target);
                    }
                }
            } catch (IOException | RuntimeException e) {
                // Ended meanwhile, or another user's process: it cannot hold a pipe of this JVM's child.
            }
        }
        return unread;
    }

    /** Whether an open descriptor allows reading (O_RDONLY or O_RDWR), from its fdinfo flags. */
    private static boolean readable(long pid, String fd) {
        int access = accessMode(pid, fd);
        return access == 0 || access == 2;
    }

    /** The access mode bits of an open descriptor (0 read, 1 write, 2 both), or -1 if it is gone. */
    private static int accessMode(long pid, String fd) {
        try {
            for (String line : Files.readAllLines(PROC.resolve(Long.toString(pid)).resolve("fdinfo").resolve(fd))) {
                if (line.startsWith("flags:")) {
                    return (int) (Long.parseLong(line.substring(6).trim(), 8) & 3);
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /**
     * Live candidate processes other than {@code excludePid} whose stat passes the filter and that have
     * one of the targets open for writing. Only a writer keeps a reader waiting: a process that merely
     * holds a read end (the JDK's spawn helper of another run holds every descriptor of the JVM
     * between its fork and its exec, our read end included) must not be taken for one.
     */
    static List<Long> holders(Set<String> targets, long excludePid, Predicate<Stat> filter, List<Long> candidates) {
        List<Long> holders = new ArrayList<>();
        if (targets.isEmpty()) {
            return holders;
        }
        for (long pid : candidates) {
            // Killing the spawn helper of another run made that run's start fail with "Failed to exec
            // spawn helper ... signal: 9"; it may even hold a write end of a pipe that is being set up.
            if (pid == excludePid || !stat(pid).filter(s -> s.live() && filter.test(s)).isPresent()
                    || isSpawnHelper(pid, excludePid)) {
                continue;
            }
            try (DirectoryStream<Path> fds = Files.newDirectoryStream(PROC.resolve(Long.toString(pid)).resolve("fd"))) {
                for (Path fd : fds) {
                    String target = readLink(fd);
                    if (target != null && targets.contains(target) && writable(pid, fd.getFileName().toString())) {
                        holders.add(pid);
                        break;
                    }
                }
            } catch (IOException | RuntimeException e) {
                // Processes of other users, or ones that just ended, cannot be inspected.
            }
        }
        return holders;
    }

    /**
     * Pids that may belong to processes created at or after {@code sincePid} was: those from it up
     * to the kernel's last allocated pid, or every pid when that range cannot be trusted (the pid
     * counter wrapped, or {@code ns_last_pid} is unreadable).
     */
    static List<Long> pidsSince(long sincePid) {
        long last = lastPid();
        if (last >= sincePid && last - sincePid < SMALL_PID_RANGE) {
            // Probing a few pids is cheaper than listing /proc; File.exists throws nothing for a free pid.
            // Threads share the pid counter and /proc answers for their ids too, with their process's
            // descriptors: this JVM's own threads (a run's reader among them) must not pass for processes.
            // Another process's thread stands for its process, which is what it is taken for anyway.
            List<Long> inUse = new ArrayList<>();
            for (long pid = sincePid; pid <= last; pid++) {
                String id = Long.toString(pid);
                if (new File(PROC_DIR, id).exists() && !new File(OWN_TASKS, id).exists()) {
                    inUse.add(pid);
                }
            }
            return inUse;
        }
        List<Long> all = pids();
        if (last < 0 || last < sincePid) {
            return all;
        }
        List<Long> recent = new ArrayList<>();
        for (long pid : all) {
            if (pid >= sincePid && pid <= last) {
                recent.add(pid);
            }
        }
        return recent;
    }

    /** The last pid the kernel handed out in this pid namespace, or -1 if unknown. */
    static long lastPid() {
        String text = readSmall("/proc/sys/kernel/ns_last_pid");
        try {
            return text == null ? -1 : Long.parseLong(text.strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * The JDK starts a child by forking the JVM and exec'ing {@code jspawnhelper}; until that exec the
     * child is a copy of the JVM: same executable, the forking thread's name.
     */
    private static boolean isSpawnHelper(long pid, long jvmPid) {
        try {
            Path dir = PROC.resolve(Long.toString(pid));
            String comm = Files.readString(dir.resolve("comm")).strip();
            if (comm.equals("jspawnhelper")) {
                return true;
            }
            return stat(pid).map(st -> st.ppid() == jvmPid).orElse(false)
                    && Files.readSymbolicLink(dir.resolve("exe")).equals(
                            Files.readSymbolicLink(PROC.resolve(Long.toString(jvmPid)).resolve("exe")));
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** Whether an open descriptor allows writing (O_WRONLY or O_RDWR), from its fdinfo flags. */
    private static boolean writable(long pid, String fd) {
        int access = accessMode(pid, fd);
        return access == 1 || access == 2;
    }

    private static String readLink(Path p) {
        try {
            return Files.readSymbolicLink(p).toString();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static boolean isDigits(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }
}
