package dev.mcr.model;

import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A saved shell command with its settings, in readable parts: what to run ({@link Execution}), when
 * ({@link Timing}), how alerts are paced ({@link Alerting}), the cases applied to its output, and where alerts go
 * ({@link Targets}).
 *
 * <pre>{@code
 * Runner nas = Runner.builder("nas-ping")
 *     .command("ping -c1 -W2 nas.local >/dev/null && echo UP || echo DOWN")
 *     .every(Duration.ofSeconds(30)).unlimitedRuns()
 *     .onMatch("DOWN", CaseState.DOWN, "NAS is unreachable")
 *     .build();
 * Runner quieter = nas.toBuilder().alertCooldown(Duration.ofMinutes(30)).build();
 * Runner backup = Runner.builder("backup")
 *     .command("restic backup /srv")
 *     .cron("0 3 * * *", ZoneId.of("Europe/Berlin"))        // every night at 03:00 Berlin time
 *     .timeout(Duration.ofHours(2))                           // stopped (and failed) after two hours
 *     .retries(3, Duration.ofMinutes(1), 2.0)                 // again after 1, 2 and 4 minutes
 *     .workingDirectory(Path.of("/srv")).env("RESTIC_REPOSITORY", "/mnt/backup")
 *     .secretEnv("RESTIC_PASSWORD", "…")                      // encrypted at rest, masked everywhere
 *     .build();
 * }</pre>
 *
 * <p>A new setting goes into the part it belongs to (one record) and into the JSON mapping
 * ({@code dev.mcr.json.RunnerJson}); nothing else changes.
 *
 * @param id        the runner id ({@code ^[A-Za-z0-9_-]{1,120}$})
 * @param name      display name
 * @param execution what runs: the command and whether runs are logged
 * @param timing    when it runs again: the schedule and the runs per start
 * @param alerting  how repeated alerts are paced and when failures pause the runner
 * @param cases     regex rules applied to each output line
 * @param targets   the notification profiles alerts go to
 * @param tags      short labels to find and filter runners by (trimmed, distinct; at most {@link #MAX_TAGS} of at
 *                  most {@link #MAX_TAG_LENGTH} characters each, which a save checks)
 * @param extra     unknown JSON keys kept from the stored state (plain Java values)
 * @param heartbeat the heartbeat check of a runner of kind {@code "heartbeat"} (it runs no command: pings to its URL
 *                  are its runs, silence past the deadline is a failed run), or {@code null} for a command runner
 */
public record Runner(
        String id,
        String name,
        Execution execution,
        Timing timing,
        Alerting alerting,
        List<CaseRule> cases,
        Targets targets,
        List<String> tags,
        Map<String, Object> extra,
        Heartbeat heartbeat) {

    /** Default name of a runner. */
    public static final String DEFAULT_NAME = "Runner";
    /** Most tags a runner may carry. */
    public static final int MAX_TAGS = 20;
    /** Most characters of one tag. */
    public static final int MAX_TAG_LENGTH = 40;

    /** Validates every component; lists and maps are copied and made unmodifiable. */
    public Runner {
        if (!Ids.isValid(id)) {
            throw new IllegalArgumentException("Runner id '" + id + "' is invalid; use 1 to 120 characters of A-Z, a-z, 0-9, '_' or '-'.");
        }
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(execution, "execution");
        Objects.requireNonNull(timing, "timing");
        Objects.requireNonNull(alerting, "alerting");
        Objects.requireNonNull(targets, "targets");
        cases = List.copyOf(cases);
        tags = tags == null ? List.of() : List.copyOf(tags);
        extra = extra == null || extra.isEmpty() ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(extra));
    }

    /**
     * What runs, where and how.
     *
     * @param command        the command, appended as the last argument of the shell
     * @param loggingEnabled whether each run is appended to the runner's log file
     * @param shell          the program and arguments the command is appended to ({@code shell}); {@link #LOGIN_SHELL}
     *                       ({@code bash -lc}, the original's) by default
     * @param workingDir     the directory the command runs in ({@code working_dir}), {@code ""} for the server's
     * @param env            variables set for the run ({@code env}), after mcr removed its own from the inherited
     *                       environment
     * @param timeout        the longest a run may take ({@code timeout_s}), {@link Duration#ZERO} for no limit; whole
     *                       seconds
     */
    public record Execution(String command, boolean loggingEnabled, List<String> shell, String workingDir,
                            List<EnvVar> env, Duration timeout) {

        /** {@code bash -lc}: a login shell, as the original runs every command (the default). */
        public static final List<String> LOGIN_SHELL = List.of("bash", "-lc");
        /** {@code bash -c}: no login profile, about 100 ms less per run on hosts with a heavy profile. */
        public static final List<String> BASH = List.of("bash", "-c");
        /** {@code sh -c}: the system's POSIX shell. */
        public static final List<String> SH = List.of("sh", "-c");

        /** Validates that nothing is {@code null} and that the timeout is not negative; copies the lists. */
        public Execution {
            Objects.requireNonNull(command, "command");
            Objects.requireNonNull(workingDir, "workingDir");
            Objects.requireNonNull(timeout, "timeout");
            shell = List.copyOf(shell);
            env = List.copyOf(env);
            if (shell.isEmpty()) {
                throw new IllegalArgumentException("The shell must name a program, for example [bash, -c].");
            }
            if (timeout.isNegative()) {
                throw new IllegalArgumentException("The timeout must not be negative; use Duration.ZERO for none.");
            }
            timeout = Duration.ofSeconds(timeout.getSeconds());
        }

        /**
         * What runs, with the defaults for everything else: {@code bash -lc} in the server's directory with the
         * server's environment, without a time limit.
         *
         * @param command        the command
         * @param loggingEnabled whether each run is appended to the runner's log file
         */
        public Execution(String command, boolean loggingEnabled) {
            this(command, loggingEnabled, LOGIN_SHELL, "", List.of(), Duration.ZERO);
        }

        /** Returns a copy with another command. */
        public Execution withCommand(String newCommand) {
            return new Execution(newCommand, loggingEnabled, shell, workingDir, env, timeout);
        }

        /** Returns whether a run has a time limit. */
        public boolean hasTimeout() {
            return !timeout.isZero();
        }

        /** Returns the values of the secret variables that are not empty (to keep them out of output and logs). */
        public List<String> secretValues() {
            List<String> out = new ArrayList<>();
            for (EnvVar v : env) {
                if (v.secret() && !v.value().isEmpty()) {
                    out.add(v.value());
                }
            }
            return out;
        }
    }

    /**
     * A variable set for a runner's runs.
     *
     * @param name   a shell name ({@code [A-Za-z_][A-Za-z0-9_]*}, checked when saved)
     * @param value  its value
     * @param secret whether the value is a secret: encrypted at rest, masked as {@code __SECRET_SET__} in every
     *               answer, left out of exports, and replaced by {@code ***} where the run's output shows it
     */
    public record EnvVar(String name, String value, boolean secret) {

        private static final Pattern SHELL_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,254}");

        /** Validates that name and value are not {@code null} (the name itself is checked when saved). */
        public EnvVar {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(value, "value");
        }

        /**
         * Checks that a name can be a variable of a run: a shell name, not one of mcr's own ({@code MCR_…},
         * {@code MULTI_COMMAND_RUNNER_…}).
         *
         * @param name the name
         * @throws IllegalArgumentException with a sentence when it cannot
         */
        public static void checkName(String name) {
            if (name == null || !SHELL_NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("'" + (name == null ? "" : name) + "' is not a valid environment "
                        + "variable name; use letters, digits and _, not starting with a digit.");
            }
            if (name.startsWith("MCR_") || name.startsWith("MULTI_COMMAND_RUNNER_")) {
                throw new IllegalArgumentException("The environment variable name " + name + " is reserved: mcr sets "
                        + "MCR_ variables itself and keeps MULTI_COMMAND_RUNNER_ variables from every run.");
            }
        }
    }

    /**
     * Retries of a failed run: after a non-zero exit or a timeout the run is made again, at most {@code count} times,
     * after {@code delay × backoff^(attempt−1)}.
     *
     * @param count   retries after the first attempt, 0..{@link #MAX_COUNT} ({@code retry_count})
     * @param delay   the pause before the first retry ({@code retry_delay_s}); whole seconds
     * @param backoff the factor each further pause grows by, 1..{@link #MAX_BACKOFF} ({@code retry_backoff})
     */
    public record Retry(int count, Duration delay, double backoff) {

        /** Most retries of one run. */
        public static final int MAX_COUNT = 10;
        /** Largest backoff factor. */
        public static final double MAX_BACKOFF = 10;
        /** Default backoff factor. */
        public static final double DEFAULT_BACKOFF = 2;
        /** No retries. */
        public static final Retry NONE = new Retry(0, Duration.ZERO, DEFAULT_BACKOFF);

        /** Validates the ranges; drops fractions of a second of the delay. */
        public Retry {
            Objects.requireNonNull(delay, "delay");
            if (count < 0 || count > MAX_COUNT) {
                throw new IllegalArgumentException("The number of retries must be between 0 and " + MAX_COUNT
                        + ", not " + count + ".");
            }
            if (delay.isNegative()) {
                throw new IllegalArgumentException("The retry delay must not be negative.");
            }
            if (!(backoff >= 1 && backoff <= MAX_BACKOFF)) {
                throw new IllegalArgumentException("The retry backoff must be between 1 and " + (int) MAX_BACKOFF
                        + ", not " + backoff + ".");
            }
            delay = Duration.ofSeconds(delay.getSeconds());
        }

        /**
         * Returns the pause after a failed attempt before the next one: {@code delay × backoff^(attempt−1)}.
         *
         * @param failedAttempt the attempt that failed, 1 for the first run
         * @return the pause, at most a year
         */
        public Duration delayAfter(int failedAttempt) {
            double seconds = delay.getSeconds() * Math.pow(backoff, Math.max(0, failedAttempt - 1));
            return Duration.ofSeconds((long) Math.min(seconds, 365L * 24 * 3600));
        }
    }

    /**
     * When a runner runs again.
     *
     * @param schedule when the next run is due after a run; {@link Schedule#NONE} = once per start
     * @param maxRuns  runs per start: {@link #UNLIMITED_RUNS} or 1..{@link #MAX_RUNS_LIMIT} (a cron schedule is not
     *                 limited by it)
     * @param retry    retries of a failed run
     */
    public record Timing(Schedule schedule, int maxRuns, Retry retry) {

        /** {@code max_runs} value meaning "repeat until stopped". */
        public static final int UNLIMITED_RUNS = -1;
        /** Largest finite {@code max_runs}. */
        public static final int MAX_RUNS_LIMIT = 100;
        /** Once per start: no schedule, one run. */
        public static final Timing ONCE = new Timing(Schedule.NONE, 1);

        /** Validates the run count. */
        public Timing {
            Objects.requireNonNull(schedule, "schedule");
            Objects.requireNonNull(retry, "retry");
            if (maxRuns != UNLIMITED_RUNS && (maxRuns < 1 || maxRuns > MAX_RUNS_LIMIT)) {
                throw new IllegalArgumentException("maxRuns must be -1 (unlimited) or between 1 and 100, not "
                        + maxRuns + ".");
            }
        }

        /**
         * A schedule and a run count, without retries.
         *
         * @param schedule when the next run is due after a run
         * @param maxRuns  runs per start
         */
        public Timing(Schedule schedule, int maxRuns) {
            this(schedule, maxRuns, Retry.NONE);
        }

        /** Returns whether a start repeats until stopped. */
        public boolean unlimited() {
            return maxRuns == UNLIMITED_RUNS;
        }
    }

    /**
     * How alerts of repeated DOWN/WARN matches are paced, and when failures pause the runner.
     *
     * @param cooldown              least time between two repeated DOWN/WARN alerts; whole seconds (a fraction is
     *                              dropped), not negative
     * @param escalation            least time before a repeated alert is sent as an escalation, zero = no extra
     *                              wait; whole seconds, not negative
     * @param failurePauseThreshold consecutive failed runs that pause the runner, 0 = never
     * @param downAfter             how many of the last runs must fail before DOWN is notified (and succeed before
     *                              its RECOVERY), {@link DownAfter#NONE} for every DOWN case at once
     * @param escalateTo            the second service a DOWN goes to once when nobody acknowledged it in time, or
     *                              {@code null} for none
     */
    public record Alerting(Duration cooldown, Duration escalation, int failurePauseThreshold, DownAfter downAfter,
                           EscalateTo escalateTo) {

        /** Default cooldown: 5 minutes. */
        public static final Duration DEFAULT_COOLDOWN = Duration.ofMinutes(5);
        /** Default escalation: 30 minutes. */
        public static final Duration DEFAULT_ESCALATION = Duration.ofMinutes(30);
        /** Default number of consecutive failures that pause a runner. */
        public static final int DEFAULT_FAILURE_PAUSE_THRESHOLD = 5;
        /** The defaults of a new runner. */
        public static final Alerting DEFAULTS = new Alerting(DEFAULT_COOLDOWN, DEFAULT_ESCALATION,
                DEFAULT_FAILURE_PAUSE_THRESHOLD, DownAfter.NONE, null);

        /** Validates that nothing is negative; drops fractions of a second (the JSON holds whole seconds). */
        public Alerting {
            Objects.requireNonNull(cooldown, "cooldown");
            Objects.requireNonNull(escalation, "escalation");
            Objects.requireNonNull(downAfter, "downAfter");
            if (cooldown.isNegative() || escalation.isNegative() || failurePauseThreshold < 0) {
                throw new IllegalArgumentException("Alert cooldown, escalation and failure pause threshold must not "
                        + "be negative.");
            }
            cooldown = Duration.ofSeconds(cooldown.getSeconds());
            escalation = Duration.ofSeconds(escalation.getSeconds());
        }

        /**
         * Pacing and pause, with every DOWN case notified at once.
         *
         * @param cooldown              least time between two repeated DOWN/WARN alerts
         * @param escalation            least time before a repeated alert is sent as an escalation
         * @param failurePauseThreshold consecutive failed runs that pause the runner, 0 = never
         */
        public Alerting(Duration cooldown, Duration escalation, int failurePauseThreshold) {
            this(cooldown, escalation, failurePauseThreshold, DownAfter.NONE, null);
        }

        /** Returns a copy with another N-of-M rule. */
        public Alerting withDownAfter(DownAfter rule) {
            return new Alerting(cooldown, escalation, failurePauseThreshold, rule, escalateTo);
        }

        /** Returns a copy with another escalation ({@code null} for none). */
        public Alerting withEscalateTo(EscalateTo to) {
            return new Alerting(cooldown, escalation, failurePauseThreshold, downAfter, to);
        }
    }

    /**
     * Escalation to a second service ({@code escalate_to: {"profile_id": …, "after_s": …}}): a DOWN that nobody
     * acknowledged within {@code after} is sent once to that profile.
     *
     * @param profileId the notification profile
     * @param after     how long a DOWN may stay unacknowledged, 1 s to {@link #MAX_AFTER}; whole seconds
     */
    public record EscalateTo(String profileId, Duration after) {

        /** Longest wait: 30 days. */
        public static final Duration MAX_AFTER = Duration.ofDays(30);

        /** Validates the id and the wait. */
        public EscalateTo {
            if (!Ids.isValid(profileId)) {
                throw new IllegalArgumentException("escalate_to.profile_id must name a service.");
            }
            Objects.requireNonNull(after, "after");
            after = Duration.ofSeconds(after.getSeconds());
            if (after.compareTo(Duration.ofSeconds(1)) < 0 || after.compareTo(MAX_AFTER) > 0) {
                throw new IllegalArgumentException("escalate_to.after_s must be 1 to " + MAX_AFTER.toSeconds()
                        + " seconds.");
            }
        }
    }

    /**
     * N of M ({@code down_after: {"failures": N, "of_runs": M}}): DOWN is notified only once at least {@code failures}
     * of the last {@code ofRuns} runs failed, and its RECOVERY once at least {@code failures} of the last
     * {@code ofRuns} runs succeeded. A run failed when it exited non-zero, timed out or matched a DOWN case. In
     * between the notified state holds.
     *
     * @param failures N, 1..{@code ofRuns}
     * @param ofRuns   M, 1..{@link #MAX_RUNS}
     */
    public record DownAfter(int failures, int ofRuns) {

        /** Largest window. */
        public static final int MAX_RUNS = 100;
        /** 1 of 1: every DOWN case is notified as it matches (the original's behaviour). */
        public static final DownAfter NONE = new DownAfter(1, 1);

        /** Validates {@code 1 ≤ failures ≤ ofRuns ≤ 100}. */
        public DownAfter {
            if (failures < 1 || ofRuns > MAX_RUNS || failures > ofRuns) {
                throw new IllegalArgumentException("down_after needs whole numbers with 1 ≤ failures ≤ of_runs ≤ "
                        + MAX_RUNS + ", not " + failures + " of " + ofRuns + ".");
            }
        }

        /** Returns whether runs are counted (anything but 1 of 1). */
        public boolean counts() {
            return !equals(NONE);
        }
    }

    /**
     * A heartbeat check ({@code kind: "heartbeat"}, {@code heartbeat: {"ping_token", "period_s", "grace_s"}}): a job
     * elsewhere calls the runner's ping URL; each ping is a run that ends at once, and no ping by the deadline is a
     * {@code missed} run that fails. The next ping is expected within {@code period} after the last one (or at the
     * next time of the runner's cron schedule when it has one), plus {@code grace}.
     *
     * @param pingToken the secret part of the ping URL; assigned by the store (a client's value is never taken),
     *                  {@code ""} until it is
     * @param period    the time between two pings, {@link #MIN_PERIOD} to {@link #MAX_PERIOD}, or
     *                  {@link Duration#ZERO} when the runner's cron schedule says when pings are due; whole seconds
     * @param grace     how late a ping may be, 0 to {@link #MAX_GRACE}; whole seconds
     */
    public record Heartbeat(String pingToken, Duration period, Duration grace) {

        /** Shortest period: 10 seconds. */
        public static final Duration MIN_PERIOD = Duration.ofSeconds(10);
        /** Longest period: 366 days. */
        public static final Duration MAX_PERIOD = Duration.ofDays(366);
        /** Longest grace: 30 days. */
        public static final Duration MAX_GRACE = Duration.ofDays(30);

        /** Validates the ranges (the lower bound of the period is checked by a save, see {@link #checkPeriod}). */
        public Heartbeat {
            Objects.requireNonNull(pingToken, "pingToken");
            Objects.requireNonNull(period, "period");
            Objects.requireNonNull(grace, "grace");
            period = Duration.ofSeconds(period.getSeconds());
            grace = Duration.ofSeconds(grace.getSeconds());
            if (period.isNegative() || period.compareTo(MAX_PERIOD) > 0) {
                throw new IllegalArgumentException("heartbeat.period_s must be " + MIN_PERIOD.toSeconds() + " to "
                        + MAX_PERIOD.toSeconds() + " seconds.");
            }
            if (grace.isNegative() || grace.compareTo(MAX_GRACE) > 0) {
                throw new IllegalArgumentException("heartbeat.grace_s must be 0 to " + MAX_GRACE.toSeconds()
                        + " seconds.");
            }
        }

        /**
         * Checks the period against its lower bound.
         *
         * @param shortest the shortest period allowed ({@link #MIN_PERIOD} unless a test lowered it)
         * @throws IllegalArgumentException when the period is set and shorter
         */
        public void checkPeriod(Duration shortest) {
            if (!period.isZero() && period.compareTo(shortest) < 0) {
                throw new IllegalArgumentException("heartbeat.period_s must be " + shortest.toSeconds() + " to "
                        + MAX_PERIOD.toSeconds() + " seconds, not " + period.toSeconds() + ".");
            }
        }

        /** Returns a copy with another ping token. */
        public Heartbeat withPingToken(String token) {
            return new Heartbeat(token, period, grace);
        }
    }

    /**
     * Where alerts go.
     *
     * @param profileIds  notification profiles this runner sends to
     * @param updatesOnly the subset of {@code profileIds} that only get messages that differ from the last one sent
     */
    public record Targets(List<String> profileIds, List<String> updatesOnly) {

        /** No notification targets. */
        public static final Targets NONE = new Targets(List.of(), List.of());

        /** Copies the lists and makes them unmodifiable. */
        public Targets {
            profileIds = List.copyOf(profileIds);
            updatesOnly = List.copyOf(updatesOnly);
        }

        /** Returns whether the given profile only receives changed messages from this runner. */
        public boolean isUpdatesOnly(String profileId) {
            return updatesOnly.contains(profileId);
        }
    }

    /**
     * A runner without tags (as before tags existed).
     *
     * @param id        the runner id
     * @param name      display name
     * @param execution what runs
     * @param timing    when it runs again
     * @param alerting  how alerts are paced
     * @param cases     regex rules applied to each output line
     * @param targets   the notification profiles alerts go to
     * @param extra     unknown JSON keys kept from the stored state
     */
    public Runner(String id, String name, Execution execution, Timing timing, Alerting alerting, List<CaseRule> cases,
                  Targets targets, Map<String, Object> extra) {
        this(id, name, execution, timing, alerting, cases, targets, List.of(), extra, null);
    }

    /**
     * A command runner (as before heartbeat checks existed).
     *
     * @param id        the runner id
     * @param name      display name
     * @param execution what runs
     * @param timing    when it runs again
     * @param alerting  how alerts are paced
     * @param cases     regex rules applied to each output line
     * @param targets   the notification profiles alerts go to
     * @param tags      short labels
     * @param extra     unknown JSON keys kept from the stored state
     */
    public Runner(String id, String name, Execution execution, Timing timing, Alerting alerting, List<CaseRule> cases,
                  Targets targets, List<String> tags, Map<String, Object> extra) {
        this(id, name, execution, timing, alerting, cases, targets, tags, extra, null);
    }

    /** Returns whether this runner is a heartbeat check (kind {@code "heartbeat"}): it runs no command. */
    public boolean isHeartbeat() {
        return heartbeat != null;
    }

    /** Returns a copy with another heartbeat check ({@code null}: a command runner). */
    public Runner withHeartbeat(Heartbeat newHeartbeat) {
        return new Runner(id, name, execution, timing, alerting, cases, targets, tags, extra, newHeartbeat);
    }

    /** Returns a copy with other tags. */
    public Runner withTags(List<String> newTags) {
        return new Runner(id, name, execution, timing, alerting, cases, targets, newTags, extra, heartbeat);
    }

    /** Returns a copy with another id. */
    public Runner withId(String newId) {
        return new Runner(newId, name, execution, timing, alerting, cases, targets, tags, extra, heartbeat);
    }

    /** Returns a copy with another name. */
    public Runner withName(String newName) {
        return new Runner(id, newName, execution, timing, alerting, cases, targets, tags, extra, heartbeat);
    }

    /** Returns a copy with another command. */
    public Runner withCommand(String newCommand) {
        return new Runner(id, name, execution.withCommand(newCommand), timing, alerting, cases, targets, tags, extra,
                heartbeat);
    }

    /** Returns a copy with another execution part (command, shell, directory, variables, timeout). */
    public Runner withExecution(Execution newExecution) {
        return new Runner(id, name, newExecution, timing, alerting, cases, targets, tags, extra, heartbeat);
    }

    /** Returns a copy with other cases. */
    public Runner withCases(List<CaseRule> newCases) {
        return new Runner(id, name, execution, timing, alerting, newCases, targets, tags, extra, heartbeat);
    }

    /** Returns a copy with another schedule and run count. */
    public Runner withSchedule(Schedule newSchedule, int newMaxRuns) {
        return new Runner(id, name, execution, new Timing(newSchedule, newMaxRuns, timing.retry()), alerting, cases,
                targets, tags, extra, heartbeat);
    }

    /** Returns a copy with other notification targets. */
    public Runner withNotifyProfiles(List<String> profileIds, List<String> updatesOnly) {
        return new Runner(id, name, execution, timing, alerting, cases, new Targets(profileIds, updatesOnly), tags,
                extra, heartbeat);
    }

    /**
     * Starts a fluent builder.
     *
     * @param id the runner id, stable across restarts ({@code ^[A-Za-z0-9_-]{1,120}$}); also the default name
     * @return a builder with the defaults of a new runner
     */
    public static Builder builder(String id) {
        return new Builder(id);
    }

    /**
     * Returns a builder holding everything of this runner (cases keep their ids, unknown keys are kept), to change
     * some settings and {@link Builder#build()} a copy. Unlike a new builder's, its {@code build()} accepts an empty
     * command, as a stored runner may have one.
     *
     * @return the builder
     */
    public Builder toBuilder() {
        Builder b = new Builder(id);
        b.name = name;
        b.command = execution.command();
        b.loggingEnabled = execution.loggingEnabled();
        b.shell = execution.shell();
        b.workingDir = execution.workingDir();
        b.env.addAll(execution.env());
        b.timeout = execution.timeout();
        b.schedule = timing.schedule();
        b.maxRuns = timing.maxRuns();
        b.retry = timing.retry();
        b.alerting = alerting;
        b.cases.addAll(cases);
        b.notifyProfileIds.addAll(targets.profileIds());
        b.updatesOnly.addAll(targets.updatesOnly());
        b.tags.addAll(tags);
        b.extra.putAll(extra);
        b.heartbeat = heartbeat;
        b.requireCommand = false;
        return b;
    }

    /** Fluent builder for runners defined in code; {@link #build()} validates. */
    public static final class Builder {
        private String id;
        private String name;
        private String command = "";
        private boolean loggingEnabled = true;
        private List<String> shell = Execution.LOGIN_SHELL;
        private String workingDir = "";
        private final List<EnvVar> env = new ArrayList<>();
        private Duration timeout = Duration.ZERO;
        private Schedule schedule = Schedule.NONE;
        private int maxRuns = 1;
        private Retry retry = Retry.NONE;
        private Alerting alerting = Alerting.DEFAULTS;
        private final List<CaseRule> cases = new ArrayList<>();
        private final List<String> notifyProfileIds = new ArrayList<>();
        private final List<String> updatesOnly = new ArrayList<>();
        private final List<String> tags = new ArrayList<>();
        private final Map<String, Object> extra = new LinkedHashMap<>();
        private boolean requireCommand = true;
        private Heartbeat heartbeat;

        private Builder(String id) {
            this.id = id;
            this.name = id;
        }

        /** Sets the id (a copy made from {@link Runner#toBuilder()} keeps the original's id otherwise). */
        public Builder id(String id) {
            this.id = id;
            return this;
        }

        /** Sets the display name (defaults to the id). */
        public Builder name(String name) {
            this.name = name;
            return this;
        }

        /** Sets the shell command. */
        public Builder command(String command) {
            this.command = command;
            return this;
        }

        /** Turns appending each run to the log file on or off (default on). */
        public Builder logging(boolean enabled) {
            this.loggingEnabled = enabled;
            return this;
        }

        /** Repeats the runner this long after each run ends; whole seconds count. */
        public Builder every(Duration interval) {
            this.schedule = Schedule.every(interval);
            return this;
        }

        /** Sets the schedule (default {@link Schedule#NONE}: once per start). */
        public Builder schedule(Schedule schedule) {
            this.schedule = Objects.requireNonNull(schedule, "schedule");
            return this;
        }

        /**
         * Runs the runner at the due times of a cron expression, armed without a start request: every night, every
         * Monday, every 2 seconds. Due times missed while mcr was not running get one catch-up run, a due time while
         * the previous run still runs is skipped; {@link #schedule(Schedule)} with a {@link Schedule.Cron} changes
         * those. Daylight-saving changes follow the wall clock (a skipped time runs at the end of the gap, a
         * repeated time runs once).
         *
         * @param expression 5 fields ({@code "0 3 * * *"}), 6 with seconds first ({@code "*&#47;2 * * * * *"}), or
         *                   {@code @hourly}, {@code @daily}, {@code @weekly}, {@code @monthly}, {@code @yearly}
         * @param zone       the zone the expression is read in, {@code null} for the server's
         * @return this builder
         * @throws IllegalArgumentException when the expression is not valid
         */
        public Builder cron(String expression, ZoneId zone) {
            this.schedule = Schedule.cron(expression, zone);
            return this;
        }

        /**
         * Stops a run that takes longer (SIGINT, SIGTERM, SIGKILL, as a user's stop); it counts as a failure and its
         * {@code finished} event says {@code "timed_out": true}.
         *
         * @param limit whole seconds; {@link Duration#ZERO} for no limit (the default)
         * @return this builder
         * @throws IllegalArgumentException when the limit is negative
         */
        public Builder timeout(Duration limit) {
            if (limit == null || limit.isNegative()) {
                throw new IllegalArgumentException("The timeout must not be negative; use Duration.ZERO for none.");
            }
            this.timeout = limit;
            return this;
        }

        /**
         * Makes a failed run (a non-zero exit or a timeout) again, each attempt a run of its own with its own run id.
         * Alerts and the failure pause count the runner as failed only when the last attempt failed.
         *
         * @param count   retries after the first attempt, 0..10
         * @param delay   the pause before the first retry
         * @param backoff the factor each further pause grows by, 1..10: the pause after attempt n is
         *                {@code delay × backoff^(n−1)}
         * @return this builder
         * @throws IllegalArgumentException when a value is out of range
         */
        public Builder retries(int count, Duration delay, double backoff) {
            this.retry = new Retry(count, delay, backoff);
            return this;
        }

        /**
         * Runs the command in this directory instead of the server's; it must exist when the runner is saved.
         *
         * @param dir an absolute directory
         * @return this builder
         */
        public Builder workingDirectory(Path dir) {
            this.workingDir = dir == null ? "" : dir.toString();
            return this;
        }

        /**
         * Sets a variable for the runs (after mcr removed its own variables from the inherited environment).
         *
         * @param name  a shell name: letters, digits and {@code _}, not starting with a digit
         * @param value its value
         * @return this builder
         * @throws IllegalArgumentException when the name is not a shell name
         */
        public Builder env(String name, String value) {
            return addEnv(name, value, false);
        }

        /**
         * Sets a variable whose value is a secret: encrypted at rest, masked as {@code __SECRET_SET__} in every
         * answer, never exported, and replaced by {@code ***} where the run's output shows it.
         *
         * @param name  a shell name
         * @param value its value
         * @return this builder
         * @throws IllegalArgumentException when the name is not a shell name
         */
        public Builder secretEnv(String name, String value) {
            return addEnv(name, value, true);
        }

        private Builder addEnv(String name, String value, boolean secret) {
            EnvVar.checkName(name);
            env.removeIf(v -> v.name().equals(name));
            env.add(new EnvVar(name, Objects.requireNonNull(value, "value"), secret));
            return this;
        }

        /**
         * Sets the program and arguments the command is appended to as the last argument: {@link
         * Execution#LOGIN_SHELL} ({@code bash -lc}, the default), {@link Execution#BASH}, {@link Execution#SH}, or any
         * list such as {@code List.of("python3", "-c")}.
         *
         * @param programAndArgs the program and its arguments
         * @return this builder
         * @throws IllegalArgumentException when the list is empty
         */
        public Builder shell(List<String> programAndArgs) {
            if (programAndArgs == null || programAndArgs.isEmpty() || programAndArgs.stream().anyMatch(
                    a -> a == null || a.isEmpty())) {
                throw new IllegalArgumentException("The shell must name a program, for example List.of(\"bash\", "
                        + "\"-c\").");
            }
            this.shell = List.copyOf(programAndArgs);
            return this;
        }

        /**
         * Makes the runner a heartbeat check instead of a command: a job elsewhere calls its ping URL
         * ({@code /ping/<token>}, the token is assigned when the runner is stored) at least every {@code period};
         * a ping that is more than {@code grace} late counts as a failed ({@code missed}) run and notifies DOWN like
         * any failed run, the next ping recovers it. The command is ignored (it may be empty).
         *
         * <pre>{@code
         * Runner backup = Runner.builder("nightly-backup")
         *     .heartbeat(Duration.ofDays(1), Duration.ofHours(1))   // a ping a day, an hour late at most
         *     .notify("ops")
         *     .build();
         * }</pre>
         *
         * @param period the time between two pings, 10 s to 366 days; {@link Duration#ZERO} when the runner's
         *               {@link #cron cron schedule} says when pings are due
         * @param grace  how late a ping may be, 0 to 30 days
         * @return this builder
         * @throws IllegalArgumentException when a value is out of range
         */
        public Builder heartbeat(Duration period, Duration grace) {
            Heartbeat h = new Heartbeat("", period, grace);
            h.checkPeriod(Heartbeat.MIN_PERIOD);
            this.heartbeat = h;
            return this;
        }

        /** Sets how many runs one start makes, 1..100 (default 1). */
        public Builder runs(int maxRuns) {
            this.maxRuns = maxRuns;
            return this;
        }

        /** Repeats until stopped. */
        public Builder unlimitedRuns() {
            this.maxRuns = Timing.UNLIMITED_RUNS;
            return this;
        }

        /** Sets the minimum time between repeated DOWN/WARN alerts (default 5 min). */
        public Builder alertCooldown(Duration cooldown) {
            this.alerting = new Alerting(cooldown, alerting.escalation(), alerting.failurePauseThreshold(),
                    alerting.downAfter(), alerting.escalateTo());
            return this;
        }

        /** Sets the escalation wait for repeated DOWN/WARN alerts (default 30 min, zero = none). */
        public Builder alertEscalation(Duration escalation) {
            this.alerting = new Alerting(alerting.cooldown(), escalation, alerting.failurePauseThreshold(),
                    alerting.downAfter(), alerting.escalateTo());
            return this;
        }

        /**
         * Notifies DOWN only when at least {@code failures} of the last {@code ofRuns} runs failed, and RECOVERY the
         * same way (see {@link DownAfter}).
         *
         * @param failures N
         * @param ofRuns   M
         */
        public Builder downAfter(int failures, int ofRuns) {
            this.alerting = alerting.withDownAfter(new DownAfter(failures, ofRuns));
            return this;
        }

        /**
         * Sends a DOWN once to a second service when nobody acknowledged it within {@code after} (see
         * {@link EscalateTo}).
         *
         * @param profileId the service
         * @param after     how long a DOWN may stay unacknowledged
         */
        public Builder escalateTo(String profileId, Duration after) {
            this.alerting = alerting.withEscalateTo(new EscalateTo(profileId, after));
            return this;
        }

        /** Pauses the runner after this many consecutive failures (default 5, 0 = never). */
        public Builder pauseAfterFailures(int threshold) {
            this.alerting = new Alerting(alerting.cooldown(), alerting.escalation(), threshold, alerting.downAfter(),
                    alerting.escalateTo());
            return this;
        }

        /** Sets the whole alerting part (default {@link Alerting#DEFAULTS}). */
        public Builder alerting(Alerting alerting) {
            this.alerting = Objects.requireNonNull(alerting, "alerting");
            return this;
        }

        /**
         * Adds a case.
         *
         * @param pattern  regex in Python {@code re} syntax
         * @param state    the state it carries
         * @param template message template ({@code {match}}, {@code {g1}}, named groups)
         */
        public Builder onMatch(String pattern, CaseState state, String template) {
            if (pattern == null || pattern.isBlank() || template == null || template.isBlank()) {
                throw new IllegalArgumentException("A case needs both a pattern and a message template; use lastLineCase() for the last line.");
            }
            cases.add(CaseRule.of(pattern, template, state));
            return this;
        }

        /** Adds the last-line case: the last non-empty output line is sent at the end of every run. */
        public Builder lastLineCase() {
            cases.add(CaseRule.of("", "", CaseState.NONE));
            return this;
        }

        /** Replaces every case with these (in order, ids kept). */
        public Builder cases(List<CaseRule> cases) {
            this.cases.clear();
            this.cases.addAll(cases);
            return this;
        }

        /** Sends matches to a notification profile. */
        public Builder notify(String profileId) {
            if (!notifyProfileIds.contains(profileId)) {
                notifyProfileIds.add(profileId);
            }
            return this;
        }

        /** Sends matches to a notification profile, but only when the message changed. */
        public Builder notifyUpdatesOnly(String profileId) {
            notify(profileId);
            if (!updatesOnly.contains(profileId)) {
                updatesOnly.add(profileId);
            }
            return this;
        }

        /**
         * Adds tags, short labels the web page finds and filters runners by.
         *
         * @param labels the tags (trimmed; a repeated or empty one is skipped)
         * @return this builder
         */
        public Builder tags(String... labels) {
            for (String label : labels) {
                String tag = label == null ? "" : label.strip();
                if (!tag.isEmpty() && !tags.contains(tag)) {
                    tags.add(tag);
                }
            }
            return this;
        }

        /** Replaces every notification target with these. */
        public Builder targets(Targets targets) {
            notifyProfileIds.clear();
            notifyProfileIds.addAll(targets.profileIds());
            updatesOnly.clear();
            updatesOnly.addAll(targets.updatesOnly());
            return this;
        }

        /**
         * Builds the runner.
         *
         * @return the runner
         * @throws IllegalArgumentException when a setting is out of range, with a sentence that says which
         */
        public Runner build() {
            if (heartbeat != null && heartbeat.period().isZero() && !(schedule instanceof Schedule.Cron)) {
                throw new IllegalArgumentException("Heartbeat check '" + id + "' needs a period or a cron schedule.");
            }
            if (requireCommand && heartbeat == null && (command == null || command.isBlank())) {
                throw new IllegalArgumentException("Runner '" + id + "' needs a command; call command(\"...\").");
            }
            return new Runner(id, name == null ? DEFAULT_NAME : name,
                    new Execution(command, loggingEnabled, shell, workingDir, env, timeout),
                    new Timing(schedule, maxRuns, retry), alerting, cases, new Targets(notifyProfileIds, updatesOnly),
                    tags, extra, heartbeat);
        }
    }
}
