package dev.mcr.runtime;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Settings of the runner engine.
 *
 * @param clock                     time source; its zone is the zone of written timestamps
 * @param shell                     shell prefix; the command is appended as the last argument
 * @param maxOutputLines            output lines kept per run
 * @param runtimeStatusSaveInterval minimum pause between two writes of the last cases
 * @param hiddenEnvironment         names of inherited environment variables commands must not see, besides those
 *                                  {@link dev.mcr.process.ShellProcess#HIDDEN_ENV_PREFIXES} always hides
 */
public record EngineSettings(Clock clock, List<String> shell, int maxOutputLines, Duration runtimeStatusSaveInterval,
                             Set<String> hiddenEnvironment) {

    /**
     * Settings that hide no variables beyond those always hidden.
     *
     * @param clock                     time source
     * @param shell                     shell prefix
     * @param maxOutputLines            output lines kept per run
     * @param runtimeStatusSaveInterval minimum pause between two writes of the last cases
     */
    public EngineSettings(Clock clock, List<String> shell, int maxOutputLines, Duration runtimeStatusSaveInterval) {
        this(clock, shell, maxOutputLines, runtimeStatusSaveInterval, Set.of());
    }

    /** Validates the settings. */
    public EngineSettings {
        hiddenEnvironment = Set.copyOf(hiddenEnvironment);
        Objects.requireNonNull(clock, "clock");
        shell = List.copyOf(shell);
        if (shell.isEmpty()) {
            throw new IllegalArgumentException("The shell prefix must name a program, for example [setsid, bash, -lc].");
        }
        if (maxOutputLines < 1) {
            throw new IllegalArgumentException("maxOutputLines must be at least 1.");
        }
        if (runtimeStatusSaveInterval.isNegative()) {
            throw new IllegalArgumentException("runtimeStatusSaveInterval must not be negative.");
        }
    }
}
