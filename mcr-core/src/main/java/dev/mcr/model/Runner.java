package dev.mcr.model;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

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
 * @param extra     unknown JSON keys kept from the stored state (plain Java values)
 */
public record Runner(
        String id,
        String name,
        Execution execution,
        Timing timing,
        Alerting alerting,
        List<CaseRule> cases,
        Targets targets,
        Map<String, Object> extra) {

    /** Default name of a runner. */
    public static final String DEFAULT_NAME = "Runner";

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
        extra = extra == null || extra.isEmpty() ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(extra));
    }

    /**
     * What runs.
     *
     * @param command        the command, run as {@code bash -lc <command>}
     * @param loggingEnabled whether each run is appended to the runner's log file
     */
    public record Execution(String command, boolean loggingEnabled) {

        /** Validates that the command is not {@code null} (it may be empty: such a runner cannot start). */
        public Execution {
            Objects.requireNonNull(command, "command");
        }

        /** Returns a copy with another command. */
        public Execution withCommand(String newCommand) {
            return new Execution(newCommand, loggingEnabled);
        }
    }

    /**
     * When a runner runs again.
     *
     * @param schedule when the next run is due after a run; {@link Schedule#NONE} = once per start
     * @param maxRuns  runs per start: {@link #UNLIMITED_RUNS} or 1..{@link #MAX_RUNS_LIMIT}
     */
    public record Timing(Schedule schedule, int maxRuns) {

        /** {@code max_runs} value meaning "repeat until stopped". */
        public static final int UNLIMITED_RUNS = -1;
        /** Largest finite {@code max_runs}. */
        public static final int MAX_RUNS_LIMIT = 100;
        /** Once per start: no schedule, one run. */
        public static final Timing ONCE = new Timing(Schedule.NONE, 1);

        /** Validates the run count. */
        public Timing {
            Objects.requireNonNull(schedule, "schedule");
            if (maxRuns != UNLIMITED_RUNS && (maxRuns < 1 || maxRuns > MAX_RUNS_LIMIT)) {
                throw new IllegalArgumentException("maxRuns must be -1 (unlimited) or between 1 and 100, not "
                        + maxRuns + ".");
            }
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
     */
    public record Alerting(Duration cooldown, Duration escalation, int failurePauseThreshold) {

        /** Default cooldown: 5 minutes. */
        public static final Duration DEFAULT_COOLDOWN = Duration.ofMinutes(5);
        /** Default escalation: 30 minutes. */
        public static final Duration DEFAULT_ESCALATION = Duration.ofMinutes(30);
        /** Default number of consecutive failures that pause a runner. */
        public static final int DEFAULT_FAILURE_PAUSE_THRESHOLD = 5;
        /** The defaults of a new runner. */
        public static final Alerting DEFAULTS = new Alerting(DEFAULT_COOLDOWN, DEFAULT_ESCALATION,
                DEFAULT_FAILURE_PAUSE_THRESHOLD);

        /** Validates that nothing is negative; drops fractions of a second (the JSON holds whole seconds). */
        public Alerting {
            Objects.requireNonNull(cooldown, "cooldown");
            Objects.requireNonNull(escalation, "escalation");
            if (cooldown.isNegative() || escalation.isNegative() || failurePauseThreshold < 0) {
                throw new IllegalArgumentException("Alert cooldown, escalation and failure pause threshold must not "
                        + "be negative.");
            }
            cooldown = Duration.ofSeconds(cooldown.getSeconds());
            escalation = Duration.ofSeconds(escalation.getSeconds());
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

    /** Returns a copy with another id. */
    public Runner withId(String newId) {
        return new Runner(newId, name, execution, timing, alerting, cases, targets, extra);
    }

    /** Returns a copy with another name. */
    public Runner withName(String newName) {
        return new Runner(id, newName, execution, timing, alerting, cases, targets, extra);
    }

    /** Returns a copy with another command. */
    public Runner withCommand(String newCommand) {
        return new Runner(id, name, execution.withCommand(newCommand), timing, alerting, cases, targets, extra);
    }

    /** Returns a copy with other cases. */
    public Runner withCases(List<CaseRule> newCases) {
        return new Runner(id, name, execution, timing, alerting, newCases, targets, extra);
    }

    /** Returns a copy with another schedule and run count. */
    public Runner withSchedule(Schedule newSchedule, int newMaxRuns) {
        return new Runner(id, name, execution, new Timing(newSchedule, newMaxRuns), alerting, cases, targets, extra);
    }

    /** Returns a copy with other notification targets. */
    public Runner withNotifyProfiles(List<String> profileIds, List<String> updatesOnly) {
        return new Runner(id, name, execution, timing, alerting, cases, new Targets(profileIds, updatesOnly), extra);
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
        b.schedule = timing.schedule();
        b.maxRuns = timing.maxRuns();
        b.alerting = alerting;
        b.cases.addAll(cases);
        b.notifyProfileIds.addAll(targets.profileIds());
        b.updatesOnly.addAll(targets.updatesOnly());
        b.extra.putAll(extra);
        b.requireCommand = false;
        return b;
    }

    /** Fluent builder for runners defined in code; {@link #build()} validates. */
    public static final class Builder {
        private String id;
        private String name;
        private String command = "";
        private boolean loggingEnabled = true;
        private Schedule schedule = Schedule.NONE;
        private int maxRuns = 1;
        private Alerting alerting = Alerting.DEFAULTS;
        private final List<CaseRule> cases = new ArrayList<>();
        private final List<String> notifyProfileIds = new ArrayList<>();
        private final List<String> updatesOnly = new ArrayList<>();
        private final Map<String, Object> extra = new LinkedHashMap<>();
        private boolean requireCommand = true;

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
            this.alerting = new Alerting(cooldown, alerting.escalation(), alerting.failurePauseThreshold());
            return this;
        }

        /** Sets the escalation wait for repeated DOWN/WARN alerts (default 30 min, zero = none). */
        public Builder alertEscalation(Duration escalation) {
            this.alerting = new Alerting(alerting.cooldown(), escalation, alerting.failurePauseThreshold());
            return this;
        }

        /** Pauses the runner after this many consecutive failures (default 5, 0 = never). */
        public Builder pauseAfterFailures(int threshold) {
            this.alerting = new Alerting(alerting.cooldown(), alerting.escalation(), threshold);
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
            if (requireCommand && (command == null || command.isBlank())) {
                throw new IllegalArgumentException("Runner '" + id + "' needs a command; call command(\"...\").");
            }
            return new Runner(id, name == null ? DEFAULT_NAME : name, new Execution(command, loggingEnabled),
                    new Timing(schedule, maxRuns), alerting, cases, new Targets(notifyProfileIds, updatesOnly), extra);
        }
    }
}
