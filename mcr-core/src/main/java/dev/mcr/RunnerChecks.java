package dev.mcr;

import dev.mcr.error.InvalidInputException;
import dev.mcr.model.AppState;
import dev.mcr.model.CaseRule;
import dev.mcr.model.Runner;
import dev.mcr.model.Runner.EnvVar;
import dev.mcr.model.Schedule;
import dev.mcr.runtime.CaseMatcher;
import dev.mcr.runtime.RunnerEngine;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The settings of a runner that a save refuses rather than normalizes: a cron expression or time zone that cannot be
 * read, a working directory that does not exist, variable names a shell cannot take, an empty program in the shell,
 * a case pattern the engine cannot compile, too many or too long tags.
 * Only runners that are new or changed are checked, so a directory that disappeared later does not lock the other
 * runners out of saves. The sentence names the runner and the JSON field; a variable's value is never quoted.
 */
final class RunnerChecks {

    private RunnerChecks() {
    }

    /**
     * Checks the new and changed runners of a state about to be stored.
     *
     * @param next    the normalized state
     * @param current the state stored now
     * @throws InvalidInputException with a sentence naming the runner and the field
     */
    static void check(AppState next, AppState current) {
        Map<String, Runner> stored = new HashMap<>();
        current.runners().forEach(r -> stored.put(r.id(), r));
        for (Runner r : next.runners()) {
            Runner before = stored.get(r.id());
            if (!r.equals(before)) {
                check(r);
                checkPatterns(r, before);
            }
        }
    }

    /**
     * Checks one runner.
     *
     * @param r the runner
     * @throws InvalidInputException with a sentence naming the runner and the field
     */
    static void check(Runner r) {
        if (r.execution().command().indexOf('\0') >= 0) {
            throw refuse(r, "command", "it contains a NUL character, which no shell can receive.");
        }
        if (r.timing().schedule() instanceof Schedule.Cron c) {
            try {
                Schedule.Cron.check(c.expression(), "");
            } catch (IllegalArgumentException e) {
                throw refuse(r, "schedule.cron", e.getMessage());
            }
            try {
                Schedule.Cron.check(c.expression(), c.timeZone());
            } catch (IllegalArgumentException e) {
                throw refuse(r, "schedule.time_zone", e.getMessage());
            }
        }
        if (r.extra().containsKey("down_after")) {
            throw refuse(r, "down_after", "It must be {\"failures\": N, \"of_runs\": M} with whole numbers, 1 ≤ N ≤ M ≤ "
                    + Runner.DownAfter.MAX_RUNS + ", or null for none.");
        }
        if (r.extra().containsKey("escalate_to")) {
            throw refuse(r, "escalate_to", "It must be {\"profile_id\": \"<service id>\", \"after_s\": N} with N "
                    + "from 1 to " + Runner.EscalateTo.MAX_AFTER.toSeconds() + " seconds, or null for none.");
        }
        checkHeartbeat(r);
        String dir = r.execution().workingDir();
        if (!dir.isEmpty()) {
            boolean isDir;
            try {
                isDir = Files.isDirectory(Path.of(dir));
            } catch (InvalidPathException e) {
                isDir = false;
            }
            if (!isDir) {
                throw refuse(r, "working_dir", "'" + dir + "' does not exist or is not a directory; leave it empty "
                        + "for the server's directory.");
            }
        }
        Set<String> names = new HashSet<>();
        for (EnvVar v : r.execution().env()) {
            try {
                EnvVar.checkName(v.name());
            } catch (IllegalArgumentException e) {
                throw refuse(r, "env", e.getMessage());
            }
            if (!names.add(v.name())) {
                throw refuse(r, "env", "the variable " + v.name() + " is listed twice.");
            }
            if (v.value().indexOf('\0') >= 0) {
                throw refuse(r, "env", "the value of " + v.name() + " contains a NUL character, which no process "
                        + "can receive.");
            }
        }
        if (r.tags().size() > Runner.MAX_TAGS) {
            throw refuse(r, "tags", "at most " + Runner.MAX_TAGS + " tags are allowed, not " + r.tags().size() + ".");
        }
        for (String tag : r.tags()) {
            if (tag.length() > Runner.MAX_TAG_LENGTH) {
                throw refuse(r, "tags", "a tag may have at most " + Runner.MAX_TAG_LENGTH + " characters; '"
                        + tag.substring(0, 20) + "…' has " + tag.length() + ".");
            }
            if (tag.chars().anyMatch(Character::isISOControl)) {
                throw refuse(r, "tags", "a tag may not contain control characters.");
            }
        }
        for (String part : r.execution().shell()) {
            if (part.isEmpty() || part.indexOf('\0') >= 0) {
                throw refuse(r, "shell", "every part must be a non-empty text without NUL characters, for example "
                        + "\"bash -c\" or [\"python3\", \"-c\"].");
            }
        }
    }

    /**
     * The shortest heartbeat period a save accepts: 10 s; a process test lowers it with the system property
     * {@code mcr.heartbeat.minPeriodS} to wait seconds rather than minutes.
     */
    static java.time.Duration shortestHeartbeatPeriod() {
        Long s = Long.getLong("mcr.heartbeat.minPeriodS");
        return s == null || s < 1 ? Runner.Heartbeat.MIN_PERIOD : java.time.Duration.ofSeconds(s);
    }

    private static void checkHeartbeat(Runner r) {
        if (r.extra().containsKey("kind")) {
            throw refuse(r, "kind", "It must be \"command\" (the default) or \"heartbeat\".");
        }
        if (r.extra().containsKey("heartbeat")) {
            throw refuse(r, "heartbeat", "It must be {\"period_s\": N, \"grace_s\": G} with whole seconds, N from "
                    + Runner.Heartbeat.MIN_PERIOD.toSeconds() + " to " + Runner.Heartbeat.MAX_PERIOD.toSeconds()
                    + " (or 0 with a schedule.cron) and G from 0 to " + Runner.Heartbeat.MAX_GRACE.toSeconds() + ".");
        }
        Runner.Heartbeat hb = r.heartbeat();
        if (hb == null) {
            return;
        }
        if (hb.period().isZero() && !(r.timing().schedule() instanceof Schedule.Cron)) {
            throw refuse(r, "heartbeat.period_s", "a heartbeat runner needs a period (" + shortestHeartbeatPeriod()
                    .toSeconds() + " to " + Runner.Heartbeat.MAX_PERIOD.toSeconds() + " seconds) or a schedule.cron "
                    + "that says when pings are due.");
        }
        try {
            hb.checkPeriod(shortestHeartbeatPeriod());
        } catch (IllegalArgumentException e) {
            throw refuse(r, "heartbeat.period_s", e.getMessage());
        }
    }

    /**
     * Refuses a case pattern the engine could not compile, unless the stored runner already has that pattern: the
     * original client saves the whole state, and a pattern stored before this check existed must not make every
     * later save of the runner impossible (the engine keeps reporting it as a {@code case_error}).
     */
    private static void checkPatterns(Runner r, Runner before) {
        Set<String> known = new HashSet<>();
        if (before != null) {
            before.cases().forEach(c -> known.add(c.pattern()));
        }
        List<CaseRule> cases = r.cases();
        for (int i = 0; i < cases.size(); i++) {
            String pattern = cases.get(i).pattern();
            if (known.contains(pattern)) {
                continue;
            }
            int number = i + 1;
            CaseMatcher.patternError(pattern).ifPresent(why -> {
                throw refuse(r, "case " + number + " (pattern '" + shortened(pattern) + "')", "the regular "
                        + "expression is not valid: " + why + ".");
            });
        }
    }

    /** A pattern as an error message quotes it: the first 80 characters and how many more there are. */
    private static String shortened(String pattern) {
        if (pattern.length() <= 80) {
            return pattern;
        }
        int end = Character.isHighSurrogate(pattern.charAt(79)) ? 79 : 80;
        return pattern.substring(0, end) + "… (" + (pattern.length() - end) + " characters more)";
    }

    private static InvalidInputException refuse(Runner r, String field, String why) {
        return new InvalidInputException("Runner '" + RunnerEngine.displayName(r) + "' (" + r.id() + "), " + field + ": "
                + why);
    }
}
