package dev.mcr.model;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A saved shell command with its settings.
 *
 * @param id                        the runner id ({@code ^[A-Za-z0-9_-]{1,120}$})
 * @param name                      display name
 * @param command                   the command, run as {@code bash -lc <command>}
 * @param loggingEnabled            whether each run is appended to the runner's log file
 * @param schedule                  pause after a run before the next one; zero = run once
 * @param maxRuns                   runs per start: {@link #UNLIMITED_RUNS} or 1..{@link #MAX_RUNS_LIMIT}
 * @param alertCooldownS            seconds before a repeated DOWN/WARN alert, not negative
 * @param alertEscalationS          seconds before an escalation, 0 = no extra wait, not negative
 * @param failurePauseThreshold     consecutive failures that pause the runner, 0 = never
 * @param cases                     regex rules applied to each output line
 * @param notifyProfileIds          notification profiles this runner sends to
 * @param notifyProfileUpdatesOnly  subset of {@code notifyProfileIds} that only get changed messages
 * @param extra                     unknown JSON keys kept from the stored state (plain Java values)
 */
public record Runner(
        String id,
        String name,
        String command,
        boolean loggingEnabled,
        Schedule schedule,
        int maxRuns,
        long alertCooldownS,
        long alertEscalationS,
        int failurePauseThreshold,
        List<CaseRule> cases,
        List<String> notifyProfileIds,
        List<String> notifyProfileUpdatesOnly,
        Map<String, Object> extra) {

    /** {@code max_runs} value meaning "repeat until stopped". */
    public static final int UNLIMITED_RUNS = -1;
    /** Largest finite {@code max_runs}. */
    public static final int MAX_RUNS_LIMIT = 100;
    /** Default name of a runner. */
    public static final String DEFAULT_NAME = "Runner";
    /** Default alert cooldown in seconds. */
    public static final long DEFAULT_ALERT_COOLDOWN_S = 300;
    /** Default alert escalation in seconds. */
    public static final long DEFAULT_ALERT_ESCALATION_S = 1800;
    /** Default number of consecutive failures that pause a runner. */
    public static final int DEFAULT_FAILURE_PAUSE_THRESHOLD = 5;

    /** Validates every component; lists are copied and made unmodifiable. */
    public Runner {
        if (!Ids.isValid(id)) {
            throw new IllegalArgumentException("Runner id '" + id + "' is invalid; use 1 to 120 characters of A-Z, a-z, 0-9, '_' or '-'.");
        }
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(command, "command");
        Objects.requireNonNull(schedule, "schedule");
        if (maxRuns != UNLIMITED_RUNS && (maxRuns < 1 || maxRuns > MAX_RUNS_LIMIT)) {
            throw new IllegalArgumentException("maxRuns must be -1 (unlimited) or between 1 and 100, not " + maxRuns + ".");
        }
        if (alertCooldownS < 0 || alertEscalationS < 0 || failurePauseThreshold < 0) {
            throw new IllegalArgumentException("Alert cooldown, escalation and failure pause threshold must not be negative.");
        }
        cases = List.copyOf(cases);
        notifyProfileIds = List.copyOf(notifyProfileIds);
        notifyProfileUpdatesOnly = List.copyOf(notifyProfileUpdatesOnly);
        extra = extra == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(extra));
    }

    /** Returns whether the runner repeats until stopped. */
    public boolean unlimitedRuns() {
        return maxRuns == UNLIMITED_RUNS;
    }

    /** Returns whether the given profile only receives changed messages from this runner. */
    public boolean updatesOnly(String profileId) {
        return notifyProfileUpdatesOnly.contains(profileId);
    }

    /** Returns a copy with another id. */
    public Runner withId(String newId) {
        return new Runner(newId, name, command, loggingEnabled, schedule, maxRuns, alertCooldownS,
                alertEscalationS, failurePauseThreshold, cases, notifyProfileIds, notifyProfileUpdatesOnly, extra);
    }

    /** Returns a copy with another name. */
    public Runner withName(String newName) {
        return new Runner(id, newName, command, loggingEnabled, schedule, maxRuns, alertCooldownS,
                alertEscalationS, failurePauseThreshold, cases, notifyProfileIds, notifyProfileUpdatesOnly, extra);
    }

    /** Returns a copy with another command. */
    public Runner withCommand(String newCommand) {
        return new Runner(id, name, newCommand, loggingEnabled, schedule, maxRuns, alertCooldownS,
                alertEscalationS, failurePauseThreshold, cases, notifyProfileIds, notifyProfileUpdatesOnly, extra);
    }

    /** Returns a copy with other cases. */
    public Runner withCases(List<CaseRule> newCases) {
        return new Runner(id, name, command, loggingEnabled, schedule, maxRuns, alertCooldownS,
                alertEscalationS, failurePauseThreshold, newCases, notifyProfileIds, notifyProfileUpdatesOnly, extra);
    }

    /** Returns a copy with another schedule and run count. */
    public Runner withSchedule(Schedule newSchedule, int newMaxRuns) {
        return new Runner(id, name, command, loggingEnabled, newSchedule, newMaxRuns, alertCooldownS,
                alertEscalationS, failurePauseThreshold, cases, notifyProfileIds, notifyProfileUpdatesOnly, extra);
    }

    /** Returns a copy with other notification targets. */
    public Runner withNotifyProfiles(List<String> profileIds, List<String> updatesOnly) {
        return new Runner(id, name, command, loggingEnabled, schedule, maxRuns, alertCooldownS,
                alertEscalationS, failurePauseThreshold, cases, profileIds, updatesOnly, extra);
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

    /** Fluent builder for runners defined in code; {@link #build()} validates. */
    public static final class Builder {
        private final String id;
        private String name;
        private String command = "";
        private boolean loggingEnabled = true;
        private Schedule schedule = Schedule.NONE;
        private int maxRuns = 1;
        private long alertCooldownS = DEFAULT_ALERT_COOLDOWN_S;
        private long alertEscalationS = DEFAULT_ALERT_ESCALATION_S;
        private int failurePauseThreshold = DEFAULT_FAILURE_PAUSE_THRESHOLD;
        private final List<CaseRule> cases = new ArrayList<>();
        private final List<String> notifyProfileIds = new ArrayList<>();
        private final List<String> updatesOnly = new ArrayList<>();

        private Builder(String id) {
            this.id = id;
            this.name = id;
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
            this.schedule = Schedule.of(interval);
            return this;
        }

        /** Sets how many runs one start makes, 1..100 (default 1). */
        public Builder runs(int maxRuns) {
            this.maxRuns = maxRuns;
            return this;
        }

        /** Repeats until stopped. */
        public Builder unlimitedRuns() {
            this.maxRuns = UNLIMITED_RUNS;
            return this;
        }

        /** Sets the minimum time between repeated DOWN/WARN alerts (default 5 min). */
        public Builder alertCooldown(Duration cooldown) {
            this.alertCooldownS = cooldown.getSeconds();
            return this;
        }

        /** Sets the escalation wait for repeated DOWN/WARN alerts (default 30 min, zero = none). */
        public Builder alertEscalation(Duration escalation) {
            this.alertEscalationS = escalation.getSeconds();
            return this;
        }

        /** Pauses the runner after this many consecutive failures (default 5, 0 = never). */
        public Builder pauseAfterFailures(int threshold) {
            this.failurePauseThreshold = threshold;
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
         * Builds the runner.
         *
         * @return the runner
         * @throws IllegalArgumentException when a setting is out of range, with a sentence that says which
         */
        public Runner build() {
            if (command == null || command.isBlank()) {
                throw new IllegalArgumentException("Runner '" + id + "' needs a command; call command(\"...\").");
            }
            return new Runner(id, name == null ? DEFAULT_NAME : name, command, loggingEnabled, schedule, maxRuns,
                    alertCooldownS, alertEscalationS, failurePauseThreshold, cases, notifyProfileIds, updatesOnly, Map.of());
        }
    }
}
