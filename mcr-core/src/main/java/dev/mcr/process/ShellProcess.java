package dev.mcr.process;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A shell command running in its own session and process group, with its output read as
 * lines and a stop that reaches the whole process tree.
 *
 * <p>The command runs as {@code shellPrefix + [command]}, by default
 * {@code setsid bash -lc <command>}: {@code setsid} makes the shell a session and process
 * group leader, so {@link #pid()} is also the process group id. Standard error is merged into
 * standard output and standard input reads {@code /dev/null}.
 *
 * <p>The command inherits this JVM's environment <em>without</em> mcr's own variables: every name
 * starting with one of {@link #HIDDEN_ENV_PREFIXES} ({@code MULTI_COMMAND_RUNNER_}, {@code MCR_}:
 * the auth password, the credential key, …) is removed, and so is every name the caller hides; then
 * the caller's extra variables are added.
 *
 * <p>Stopping ({@link #terminate(Duration, Duration)}) signals the whole group, SIGINT, then
 * SIGTERM, then SIGKILL; descendants seen before each signal are signalled too, so a
 * grandchild that left the group with its own {@code setsid} is still reached.
 *
 * <pre>{@code
 * try (ShellProcess p = ShellProcess.start(ShellProcess.DEFAULT_SHELL, "ping -c3 nas.local",
 *         Map.of("MCR_RUN_ID", runId), null)) {
 *     int exitCode = p.pump(line -> System.out.print(line));
 * }
 * }</pre>
 *
 * <p>Thread safety: {@link #pump(Consumer)} runs on one thread; {@link #terminate},
 * {@link #kill()} and {@link #close()} may be called from any thread, at the same time and
 * more than once.
 */
public final class ShellProcess implements AutoCloseable {

    /** The prefix the original tool used: a login bash in a new session, {@code setsid bash -lc}. */
    public static final List<String> DEFAULT_SHELL = List.of("setsid", "bash", "-lc");
    /** A faster prefix without login profile scripts: {@code setsid bash -c}. */
    public static final List<String> NON_LOGIN_SHELL = List.of("setsid", "bash", "-c");
    /** How long {@link #terminate()} waits after SIGINT before sending SIGTERM: 1.5 s. */
    public static final Duration DEFAULT_INT_GRACE = Duration.ofMillis(1500);
    /** How long {@link #terminate()} waits after SIGTERM before sending SIGKILL: 2 s. */
    public static final Duration DEFAULT_TERM_GRACE = Duration.ofSeconds(2);
    /**
     * How long {@link #pump(Consumer)} keeps reading after the main process exited while
     * something else still holds the output open, before it kills what holds it.
     */
    public static final Duration EXIT_PIPE_GRACE = Duration.ofMillis(400);
    /** How often a process found holding the output after its end is looked at again. */
    private static final Duration HOLDER_RECHECK = Duration.ofMillis(20);
    /**
     * Name prefixes of the variables no started command inherits: mcr's configuration (for example
     * {@code MULTI_COMMAND_RUNNER_AUTH_PASSWORD}, {@code MULTI_COMMAND_RUNNER_SECRET_KEY}) and markers.
     */
    public static final List<String> HIDDEN_ENV_PREFIXES = List.of("MULTI_COMMAND_RUNNER_", "MCR_");

    private static final Logger LOG = LoggerFactory.getLogger(ShellProcess.class);
    private static final Duration KILL_WAIT = Duration.ofSeconds(3);
    private static final long KILL_COMMAND_TIMEOUT_MS = 5_000;
    private static final int PIPE_RELEASE_ATTEMPTS = 10;
    private static final Duration PID_RANGE_TRUSTED = Duration.ofSeconds(1);
    private static final String KILL_COMMAND = Files.isExecutable(Path.of("/bin/kill")) ? "/bin/kill" : "kill";
    private static final File DEV_NULL = new File("/dev/null");

    private final Process process;
    private final long pid;
    private final Instant startedAt;
    /** The output pipe as named in /proc ({@code pipe:[inode]}), or null if the shell ended too soon to tell. */
    private final String outputPipe;
    /** The shell's start time in clock ticks since boot (0 if unknown): whatever it started is younger. */
    private final long startTicks;
    /** The extra environment, which every process of the run inherits unless it clears it. */
    private final Map<String, String> marker;
    /** Every descendant seen so far; survivors are killed at the end of a stop. */
    private final Set<ProcessHandle> known = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean pumping = new AtomicBoolean();
    private final CountDownLatch outputClosed = new CountDownLatch(1);
    private final Object terminateLock = new Object();

    private ShellProcess(Process process, Instant startedAt, Map<String, String> marker, boolean identifyPipe) {
        this.process = process;
        this.marker = marker;
        this.pid = process.pid();
        this.startedAt = startedAt;
        this.outputPipe = identifyPipe
                ? Procfs.fdTarget(pid, 1).filter(t -> t.startsWith("pipe:")).orElse(null)
                : null;
        this.startTicks = Procfs.stat(pid).map(Procfs.Stat::startTicks).orElse(0L);
    }

    /**
     * Starts {@code shellPrefix + [command]} with standard error merged into standard output
     * and standard input from {@code /dev/null}; the environment is this JVM's without the
     * variables named by {@link #HIDDEN_ENV_PREFIXES}, plus {@code extraEnv}.
     *
     * @param shellPrefix the program and its arguments before the command, such as
     *     {@link #DEFAULT_SHELL}; it must start a new session ({@code setsid}) so that the pid
     *     is the process group id
     * @param command the shell command text
     * @param extraEnv variables added to the inherited environment; may be null or empty. Pass
     *     a unique run marker (such as {@code MCR_RUN_ID=<uuid>}): besides marking leftovers, it
     *     lets a process that left the group while holding the output be found when the shell
     *     ended too fast for its output pipe to be identified
     * @param workDir the working directory, or null for the current one
     * @return the running process; the caller must {@link #pump(Consumer)} its output
     * @throws IOException if the process cannot be started or the directory does not exist
     * @throws IllegalArgumentException if the prefix is empty or an environment entry is invalid
     */
    public static ShellProcess start(List<String> shellPrefix, String command, Map<String, String> extraEnv,
            Path workDir) throws IOException {
        return start(shellPrefix, command, extraEnv, workDir, Set.of());
    }

    /**
     * Starts as {@link #start(List, String, Map, Path)}, also removing the named variables from the
     * inherited environment.
     *
     * @param shellPrefix the program and its arguments before the command (see {@link #start(List, String, Map, Path)})
     * @param command the shell command text
     * @param extraEnv variables added after the hidden ones were removed; may be null or empty
     * @param workDir the working directory, or null for the current one
     * @param hiddenEnv exact names of inherited variables the command must not see (secrets of the
     *     embedding application), besides those starting with one of {@link #HIDDEN_ENV_PREFIXES}
     * @return the running process; the caller must {@link #pump(Consumer)} its output
     * @throws IOException if the process cannot be started or the directory does not exist
     * @throws IllegalArgumentException if the prefix is empty or an environment entry is invalid
     */
    public static ShellProcess start(List<String> shellPrefix, String command, Map<String, String> extraEnv,
            Path workDir, Set<String> hiddenEnv) throws IOException {
        return start(shellPrefix, command, null, hiddenEnv, extraEnv, workDir, true);
    }

    /**
     * Starts as {@link #start(List, String, Map, Path)}; without {@code identifyPipe} the output
     * pipe is treated as unknown, as when the shell ends before it can be looked at (tests).
     */
    static ShellProcess start(List<String> shellPrefix, String command, Map<String, String> extraEnv,
            Path workDir, boolean identifyPipe) throws IOException {
        return start(shellPrefix, command, null, Set.of(), extraEnv, workDir, identifyPipe);
    }

    /**
     * Starts as {@link #start(List, String, Map, Path, Set)} with {@code inheritedEnv} in place of this
     * JVM's environment when it is not null (tests: a JVM cannot change its own environment).
     */
    static ShellProcess start(List<String> shellPrefix, String command, Map<String, String> inheritedEnv,
            Set<String> hiddenEnv, Map<String, String> extraEnv, Path workDir, boolean identifyPipe)
            throws IOException {
        Objects.requireNonNull(shellPrefix, "The shell prefix must not be null; use ShellProcess.DEFAULT_SHELL.");
        Objects.requireNonNull(hiddenEnv, "The hidden variable names must not be null; pass an empty set.");
        Objects.requireNonNull(command, "The command must not be null.");
        if (shellPrefix.isEmpty() || shellPrefix.stream().anyMatch(Objects::isNull)) {
            throw new IllegalArgumentException(
                    "The shell prefix must name a program and must not contain null; use ShellProcess.DEFAULT_SHELL.");
        }
        List<String> cmd = new ArrayList<>(shellPrefix);
        cmd.add(command);
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(DEV_NULL));
        Map<String, String> env = pb.environment();
        if (inheritedEnv != null) {
            env.clear();
            env.putAll(inheritedEnv);
        }
        env.keySet().removeIf(name -> isHidden(name, hiddenEnv));
        if (extraEnv != null) {
            for (Map.Entry<String, String> e : extraEnv.entrySet()) {
                String name = e.getKey();
                String value = e.getValue();
                if (name == null || name.isEmpty() || name.indexOf('=') >= 0 || name.indexOf('\0') >= 0) {
                    throw new IllegalArgumentException("An environment variable name must be non-empty and must not "
                            + "contain '=' or a NUL character.");
                }
                // The value is not quoted in the message: it may be a secret.
                if (value == null || value.indexOf('\0') >= 0) {
                    throw new IllegalArgumentException("The value of environment variable " + name
                            + " must not be null or contain a NUL character.");
                }
                env.put(name, value);
            }
        }
        if (workDir != null) {
            if (!Files.isDirectory(workDir)) {
                throw new IOException("The working directory " + workDir + " does not exist or is not a directory.");
            }
            pb.directory(workDir.toFile());
        }
        Process process = pb.start();
        return new ShellProcess(process, Instant.now(), extraEnv == null ? Map.of() : Map.copyOf(extraEnv),
                identifyPipe);
    }

    private static boolean isHidden(String name, Set<String> hiddenEnv) {
        for (String prefix : HIDDEN_ENV_PREFIXES) {
            if (name.startsWith(prefix)) {
                return true;
            }
        }
        return hiddenEnv.contains(name);
    }

    /**
     * Returns the pid of the shell, which is also its process group id.
     *
     * @return the pid and process group id
     */
    public long pid() {
        return pid;
    }

    /**
     * Returns whether the main process (the shell) is still running. Background jobs it left
     * behind are not counted.
     *
     * @return true while the main process runs
     */
    public boolean isAlive() {
        return process.isAlive();
    }

    /**
     * Returns when the process was started (wall clock).
     *
     * @return the start instant
     */
    public Instant startedAt() {
        return startedAt;
    }

    /**
     * Reads the output as lines of at most {@link LineReader#DEFAULT_MAX_LINE_BYTES} and passes
     * each to the sink; see {@link #pump(Consumer, int)}.
     *
     * @param lineSink receives each line on the calling thread; it ends with {@code "\n"} except
     *     a last line that had none (see {@link LineReader})
     * @return the exit code of the main process (128 + signal number if a signal ended it)
     * @throws IOException if reading the output fails (the process is then killed)
     * @throws InterruptedException if the thread is interrupted while waiting for the exit
     *     (the process is then killed)
     */
    public int pump(Consumer<String> lineSink) throws IOException, InterruptedException {
        return pump(lineSink, LineReader.DEFAULT_MAX_LINE_BYTES);
    }

    /**
     * Reads the output as lines and passes each to the sink on the calling thread until the
     * output ends, then waits for the main process and returns its exit code. Call it once.
     *
     * <p>If the main process exits while background jobs keep the output open, reading goes on
     * for {@link #EXIT_PIPE_GRACE}; then whatever still holds the output open is killed (with
     * its whole process group if it is a member) so that reading ends. Output that background jobs write
     * after the main process exited may be lost: the JDK stops reading the pipe once the main
     * process is gone and no read is in progress; group members still holding it are then
     * killed too. Background jobs that do not hold the output are left alone, as in the
     * original tool. If the sink throws, the process tree is killed and the exception
     * propagates.
     *
     * @param lineSink receives each line on the calling thread; it ends with {@code "\n"} except
     *     a last line that had none (see {@link LineReader})
     * @param maxLineBytes the most content bytes in one line; longer lines come in pieces
     * @return the exit code of the main process (128 + signal number if a signal ended it)
     * @throws IOException if reading the output fails (the process is then killed)
     * @throws InterruptedException if the thread is interrupted while waiting for the exit
     *     (the process is then killed)
     * @throws IllegalStateException if the output is already being pumped
     */
    public int pump(Consumer<String> lineSink, int maxLineBytes) throws IOException, InterruptedException {
        return pump(lineSink, () -> { }, maxLineBytes, ShellProcess::startWatcherThread);
    }

    private static void startWatcherThread(Runnable watcher) {
        Thread t = new Thread(watcher, "mcr-process-exit");
        t.setDaemon(true);
        t.start();
    }

    /**
     * Reads the output as {@link #pump(Consumer, int)} does, and runs {@code beforeWait} whenever the
     * lines read so far are handed on and the next read may wait for the process: a caller can collect
     * the lines of one burst and pass them on together, without holding back any line while output is
     * quiet.
     *
     * @param lineSink     receives each line on the calling thread
     * @param beforeWait   runs on the calling thread before every read that may block, and once at the end
     *     of the output
     * @param maxLineBytes the most content bytes in one line; longer lines come in pieces
     * @param watchers     runs the task that waits for the main process to exit while the output is read
     *     (it frees a reader that background jobs keep blocked); it must start it at once, on a thread of its
     *     own, such as one of a cached pool: a thread per run costs a measurable part of a short run
     * @return the exit code of the main process (128 + signal number if a signal ended it)
     * @throws IOException if reading the output fails (the process is then killed)
     * @throws InterruptedException if the thread is interrupted while waiting for the exit
     * @throws IllegalStateException if the output is already being pumped
     */
    public int pump(Consumer<String> lineSink, Runnable beforeWait, int maxLineBytes, Executor watchers)
            throws IOException, InterruptedException {
        Objects.requireNonNull(lineSink, "The line sink must not be null.");
        Objects.requireNonNull(beforeWait, "The before-wait action must not be null.");
        Objects.requireNonNull(watchers, "The watcher executor must not be null.");
        LineReader reader = new LineReader(process.getInputStream(), maxLineBytes);
        if (!pumping.compareAndSet(false, true)) {
            throw new IllegalStateException("The output of process " + pid + " is already being read; "
                    + "call pump() only once.");
        }
        watchers.execute(() -> {
            Thread me = Thread.currentThread();
            String name = me.getName();
            me.setName("mcr-process-" + pid + "-exit");
            try {
                watchExit();
            } finally {
                me.setName(name);
            }
        });
        boolean completed = false;
        try {
            while (true) {
                if (!reader.lineReady()) {
                    beforeWait.run();
                }
                String line = reader.readLine();
                if (line == null) {
                    break;
                }
                lineSink.accept(line);
            }
            beforeWait.run();
            completed = true;
        } finally {
            outputClosed.countDown();
            if (!completed) {
                kill();
            }
        }
        int exitCode;
        try {
            exitCode = process.waitFor();
        } catch (InterruptedException e) {
            kill();
            throw e;
        }
        killOutputHolders();
        return exitCode;
    }

    /** Stops the process tree with the default graces; see {@link #terminate(Duration, Duration)}. */
    public void terminate() {
        terminate(DEFAULT_INT_GRACE, DEFAULT_TERM_GRACE);
    }

    /**
     * Stops the process tree and blocks until it is gone: SIGINT to the process group, up to
     * {@code intGrace} for it to end, then SIGTERM, up to {@code termGrace}, then SIGKILL.
     * Descendants seen before each step get the same signal even if they left the group, and
     * any still alive at the end are killed. Returns early once nothing is left; the wait
     * after SIGKILL is bounded. Safe to call while another thread pumps, concurrently and more
     * than once. If the calling thread is interrupted, everything is killed at once, the
     * interrupt flag is restored and the method returns.
     *
     * @param intGrace how long to wait after SIGINT, zero or positive
     * @param termGrace how long to wait after SIGTERM, zero or positive
     * @throws IllegalArgumentException if a grace period is null or negative
     */
    public void terminate(Duration intGrace, Duration termGrace) {
        requireGrace(intGrace, "SIGINT");
        requireGrace(termGrace, "SIGTERM");
        synchronized (terminateLock) {
            try {
                boolean gone = escalate("INT", intGrace) || escalate("TERM", termGrace) || escalate("KILL", KILL_WAIT);
                if (!gone) {
                    LOG.warn("Process group {} still has members after SIGKILL.", pid);
                }
                sweepKnown();
                if (pumping.get()) {
                    releaseOutput();
                }
            } catch (InterruptedException e) {
                kill();
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Sends SIGKILL at once to the process group, the main process and every descendant seen
     * so far, without waiting for them to end. Idempotent.
     */
    public void kill() {
        remember();
        if (anythingAlive()) {
            signal("KILL");
        }
        process.destroyForcibly();
        for (ProcessHandle h : known) {
            if (live(h)) {
                h.destroyForcibly();
            }
        }
    }

    /** Same as {@link #kill()}; idempotent. */
    @Override
    public void close() {
        kill();
    }

    private static void requireGrace(Duration grace, String signal) {
        if (grace == null || grace.isNegative()) {
            throw new IllegalArgumentException("The grace period after " + signal + " must be zero or positive.");
        }
    }

    /** Returns true when nothing is left after this step. */
    private boolean escalate(String signal, Duration grace) throws InterruptedException {
        remember();
        if (!anythingAlive()) {
            return true;
        }
        signal(signal);
        return await(() -> !anythingAlive(), grace);
    }

    /** Runs after the main process exited: frees a reader that background jobs keep blocked. */
    private void watchExit() {
        try {
            process.waitFor();
            if (outputClosed.await(EXIT_PIPE_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                return;
            }
            // A running stop owns the escalation; only step in once it is done.
            synchronized (terminateLock) {
                releaseOutput();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Kills what holds the output pipe (the whole group if a member does) until the reader sees
     * the end of the output; background jobs that do not hold it are left alone.
     */
    private void releaseOutput() throws InterruptedException {
        for (int attempt = 0; attempt < PIPE_RELEASE_ATTEMPTS; attempt++) {
            if (outputClosed.getCount() == 0) {
                return;
            }
            List<Long> holders = outputHolders(false);
            if (holders.isEmpty()) {
                // Nobody (that can be found) writes any more: the reader is only busy with
                // what is buffered.
                return;
            }
            killHolders(holders);
            if (outputClosed.await(EXIT_PIPE_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                return;
            }
        }
        LOG.warn("The output of process group {} is still open; its reader may stay blocked.", pid);
    }

    /**
     * Processes holding the output pipe. If the shell ended before its pipe could be read
     * (under load it can be gone by the time start() returns), the pipe is recognised among the
     * stdout and stderr of the run's processes (group members, and processes carrying the extra
     * environment) as one nobody else reads: the JDK gives our read end to no child, while a
     * background pipeline's inner pipe has its reader.
     */
    private List<Long> outputHolders(boolean groupOnly) {
        long self = ProcessHandle.current().pid();
        List<Long> candidates = candidates();
        if (outputPipe != null) {
            return Procfs.holders(Set.of(outputPipe), self,
                    s -> s.startTicks() >= startTicks && (!groupOnly || s.pgid() == pid), candidates);
        }
        Predicate<Procfs.Stat> ours = s -> s.pgid() == pid
                || (!groupOnly && Procfs.environContains(s.pid(), marker));
        Set<String> runPipes = new HashSet<>();
        for (long p : candidates) {
            if (Procfs.stat(p).filter(s -> s.live() && ours.test(s)).isPresent()) {
                runPipes.addAll(Procfs.pipesOn(p, 1, 2));
            }
        }
        // Every reader of a pipe a run process writes to was itself created by the run.
        return Procfs.holders(Procfs.unread(runPipes, self, candidates), self, ours, candidates);
    }

    /**
     * Pids of processes that may have been created since the shell: a holder of its output inherited
     * it from the shell, so it is younger. Reading every process's stat after every run cost most of
     * a short run's overhead; the pid range is only trusted for runs too short for the pid counter to
     * have wrapped all the way round (it takes at least pid_max forks).
     */
    private List<Long> candidates() {
        if (Duration.between(startedAt, Instant.now()).compareTo(PID_RANGE_TRUSTED) < 0) {
            return Procfs.pidsSince(pid);
        }
        return Procfs.pids();
    }

    /**
     * After a normal end of output: if the JDK closed our end early (it does when the main
     * process exits while no read is in progress), processes may still hold the pipe; kill
     * them, as the reader would otherwise have waited for them. A job the shell has just forked
     * holds the pipe until it applies its own redirections ({@code cmd >/dev/null &}), which under
     * load can take a while: only what still holds it after a short grace is killed.
     */
    private void killOutputHolders() throws InterruptedException {
        List<Long> holders = outputHolders(false);
        long deadline = System.nanoTime() + EXIT_PIPE_GRACE.toNanos();
        while (!holders.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(HOLDER_RECHECK.toMillis());
            holders = outputHolders(false);
        }
        killHolders(holders);
    }

    private void killHolders(List<Long> holders) {
        if (holders.isEmpty()) {
            return;
        }
        if (holders.stream().anyMatch(h -> Procfs.isLiveInGroup(h, pid))) {
            signal("KILL");
        }
        for (long holder : holders) {
            ProcessHandle.of(holder).ifPresent(h -> {
                known.add(h);
                h.descendants().forEach(known::add);
                h.destroyForcibly();
            });
        }
    }

    /** Kills descendants that survived the escalation, and their own descendants. */
    private void sweepKnown() throws InterruptedException {
        for (int round = 0; round < 3; round++) {
            List<ProcessHandle> alive = known.stream().filter(ShellProcess::live).toList();
            if (alive.isEmpty()) {
                return;
            }
            for (ProcessHandle h : alive) {
                h.descendants().forEach(known::add);
            }
            known.stream().filter(ShellProcess::live).forEach(ProcessHandle::destroyForcibly);
            await(() -> known.stream().noneMatch(ShellProcess::live), KILL_WAIT);
        }
    }

    private void remember() {
        if (process.isAlive()) {
            process.descendants().forEach(known::add);
        }
    }

    private boolean anythingAlive() {
        return process.isAlive() || Procfs.groupAlive(pid) || known.stream().anyMatch(ShellProcess::live);
    }

    /** Alive and not a zombie: in a container PID 1 may never reap orphans. */
    private static boolean live(ProcessHandle h) {
        return h.isAlive() && Procfs.isLive(h.pid());
    }

    /** Sends a signal to the group and to every live known process outside it. */
    private void signal(String signal) {
        List<String> targets = new ArrayList<>();
        boolean mainAlive = process.isAlive();
        // The group id stays reserved while the shell is unreaped or the group has members;
        // once both are gone the number may belong to someone else's group.
        if (mainAlive || Procfs.groupAlive(pid)) {
            targets.add("-" + pid);
        }
        // Right after start, setsid may not have made the shell a group leader yet.
        if (mainAlive && Procfs.stat(pid).map(s -> s.live() && s.pgid() != pid).orElse(false)) {
            targets.add(Long.toString(pid));
        }
        List<ProcessHandle> outside = new ArrayList<>();
        for (ProcessHandle h : known) {
            if (h.isAlive() && Procfs.stat(h.pid()).map(s -> s.live() && s.pgid() != pid).orElse(false)) {
                targets.add(Long.toString(h.pid()));
                outside.add(h);
            }
        }
        if (targets.isEmpty()) {
            return;
        }
        List<String> cmd = new ArrayList<>(targets.size() + 3);
        cmd.add(KILL_COMMAND);
        cmd.add("-" + signal);
        cmd.add("--");
        cmd.addAll(targets);
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectInput(ProcessBuilder.Redirect.from(DEV_NULL));
            // kill needs no environment, and no process mcr starts may see its secrets.
            pb.environment().clear();
            Process kill = pb.start();
            waitUninterruptibly(kill);
        } catch (IOException e) {
            LOG.warn("Cannot run {} to send SIG{} to process group {}: {}", KILL_COMMAND, signal, pid, e.getMessage());
            signalWithoutKillCommand(signal, outside);
        }
    }

    /** Without a kill program only SIGTERM and SIGKILL can be sent, one process at a time. */
    private void signalWithoutKillCommand(String signal, List<ProcessHandle> outside) {
        List<ProcessHandle> targets = new ArrayList<>(outside);
        for (long member : Procfs.pids()) {
            if (Procfs.isLiveInGroup(member, pid)) {
                ProcessHandle.of(member).ifPresent(targets::add);
            }
        }
        for (ProcessHandle h : targets) {
            if ("KILL".equals(signal)) {
                h.destroyForcibly();
            } else if ("TERM".equals(signal)) {
                h.destroy();
            }
        }
    }

    /** The kill program ends in milliseconds; finishing it matters so signals stay in order. */
    private static void waitUninterruptibly(Process p) {
        boolean interrupted = false;
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(KILL_COMMAND_TIMEOUT_MS);
        try {
            while (true) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    p.destroyForcibly();
                    return;
                }
                try {
                    if (p.waitFor(left, TimeUnit.NANOSECONDS)) {
                        return;
                    }
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Polls a condition until it holds or the time is up; returns whether it held. */
    private static boolean await(BooleanSupplier condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long pause = 5;
        while (true) {
            if (condition.getAsBoolean()) {
                return true;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            Thread.sleep(Math.max(1, Math.min(pause, TimeUnit.NANOSECONDS.toMillis(left))));
            pause = Math.min(pause * 2, 50);
        }
    }
}
