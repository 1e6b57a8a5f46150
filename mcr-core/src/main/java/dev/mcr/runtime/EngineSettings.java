package dev.mcr.runtime;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Settings of the runner engine.
 *
 * @param clock                     time source; its zone is the zone of written timestamps
 * @param shell                     shell prefix; the command is appended as the last argument
 * @param maxOutputLines            output lines kept per run
 * @param runtimeStatusSaveInterval minimum pause between two writes of the last cases
 */
public record EngineSettings(Clock clock, List<String> shell, int maxOutputLines, Duration runtimeStatusSaveInterval) {

    /** Validates the settings. */
    public EngineSettings {
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
