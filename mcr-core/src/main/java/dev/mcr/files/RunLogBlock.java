package dev.mcr.files;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Objects;

/**
 * One run as appended to a runner's log file.
 *
 * @param ts         when the block is written (the original uses the time the run finished)
 * @param zone       the zone whose offset the timestamp line shows
 * @param runnerName the runner's name ({@code null} becomes {@code ""})
 * @param command    the command as started ({@code null} becomes {@code ""})
 * @param exitCode   the exit code, or {@code null} when there is none (written {@code None}, like the original)
 * @param stopped    whether the user stopped the run
 * @param output     the run's output ({@code null} becomes {@code ""})
 * @param timeout    the limit that stopped the run ({@code timed_out: True (after N s)}, a line after
 *                   {@code stopped:}), {@code null} when it was not stopped by its timeout
 * @param attempt    the attempt of a runner with retries ({@code attempt: N}, a line after that), 0 for none
 * @param startedTs  when the run started ({@code started:} and {@code duration_ms:} after those), or {@code null}
 * @param trigger    what started it ({@code trigger:}, last), or {@code null}
 */
public record RunLogBlock(Instant ts, ZoneId zone, String runnerName, String command, Integer exitCode,
                          boolean stopped, String output, Duration timeout, int attempt, Instant startedTs,
                          String trigger) {

    /**
     * Validates the time and zone; {@code null} texts become empty.
     *
     * @param ts         when the block is written
     * @param zone       the zone of the timestamp line
     * @param runnerName the runner's name
     * @param command    the command as started
     * @param exitCode   the exit code, or {@code null}
     * @param stopped    whether the user stopped the run
     * @param output     the run's output
     * @param timeout    the limit that stopped the run, or {@code null}
     * @param attempt    the attempt of a runner with retries, 0 for none
     * @param startedTs  when the run started, or {@code null} (then neither its start nor its duration is written)
     * @param trigger    what started it ({@code manual}, {@code schedule}, {@code group}, ...), or {@code null}
     */
    public RunLogBlock {
        Objects.requireNonNull(ts, "ts");
        Objects.requireNonNull(zone, "zone");
        runnerName = runnerName == null ? "" : runnerName;
        command = command == null ? "" : command;
        output = output == null ? "" : output;
    }

    /**
     * A block with the original's fields only.
     *
     * @param ts         when the block is written
     * @param zone       the zone of the timestamp line
     * @param runnerName the runner's name
     * @param command    the command as started
     * @param exitCode   the exit code, or {@code null}
     * @param stopped    whether the user stopped the run
     * @param output     the run's output
     */
    public RunLogBlock(Instant ts, ZoneId zone, String runnerName, String command, Integer exitCode, boolean stopped,
                       String output) {
        this(ts, zone, runnerName, command, exitCode, stopped, output, null, 0, null, null);
    }
}
