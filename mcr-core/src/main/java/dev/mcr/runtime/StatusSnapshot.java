package dev.mcr.runtime;

import dev.mcr.model.CaseState;
import java.time.Instant;

/**
 * A runner's runtime status as the engine sees it; the facade hands it out as {@code dev.mcr.RunnerStatus}.
 *
 * @param running             whether a process is alive
 * @param stopped             whether the user stopped it (or it was auto-paused)
 * @param startedTs           start of the current run, or {@code null}
 * @param activeTs            start of the active session (running or scheduled), or {@code null}
 * @param tail                the last 200 output lines joined
 * @param remaining           runs still allowed in this session, {@code null} when unlimited
 * @param runCount            runs made in this session
 * @param scheduled           whether a next run is pending
 * @param lastCase            last case message (persisted), {@code ""} when none
 * @param lastCaseTs          when it matched, or {@code null}
 * @param consecutiveFailures non-zero exits in a row
 * @param paused              whether it was paused after failures
 * @param lastExitCode        exit code of the last run, {@code null} before the first
 * @param lastFinishTs        end of the last run, or {@code null}
 * @param nextRunTs           when the next run is due (an interval's, a retry's or a cron schedule's), or {@code null}
 * @param lastState           the state of the last case that carried one since the start, or {@code null}
 * @param worstState          the worst case state of the current (or else the last) run, or {@code null}
 * @param lastRunStopped      whether the last run ended because someone stopped it
 */
public record StatusSnapshot(boolean running, boolean stopped, Instant startedTs, Instant activeTs, String tail,
                             Integer remaining, int runCount, boolean scheduled, String lastCase, Instant lastCaseTs,
                             int consecutiveFailures, boolean paused, Integer lastExitCode, Instant lastFinishTs,
                             Instant nextRunTs, CaseState lastState, CaseState worstState, boolean lastRunStopped) {
}
