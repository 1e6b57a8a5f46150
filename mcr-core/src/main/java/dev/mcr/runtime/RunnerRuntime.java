package dev.mcr.runtime;

import dev.mcr.model.Runner;
import dev.mcr.process.ShellProcess;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.concurrent.ScheduledFuture;

/** Mutable runtime of one runner; every field is guarded by the instance's monitor. */
final class RunnerRuntime {
    final String id;
    Runner config;
    CaseMatcher matcher;
    final AlertPolicy alerts;

    ShellProcess process;
    /** The MCR_RUN_ID of the current process, null when none runs. */
    String runMarker;
    RunnerEngine.RunReader runReader;
    /** Events of the current run waiting on its reader thread to be published together; null between runs. */
    volatile RunnerEngine.RunEvents pendingEvents;
    long runId;
    boolean stopped;
    boolean paused;
    boolean purged;
    boolean oneShot;
    ScheduledFuture<?> timer;
    Integer remaining;
    int runCount;
    int consecutiveFailures;
    Instant startedTs;
    Instant activeTs;
    Integer lastExitCode;
    Instant lastFinishTs;
    String lastCase = "";
    Instant lastCaseTs;
    String lastLine = "";
    final ArrayDeque<String> output = new ArrayDeque<>();
    long outputChars;
    boolean known;

    RunnerRuntime(String id, Runner config, AlertPolicy alerts) {
        this.id = id;
        this.config = config;
        this.alerts = alerts;
    }

    boolean running() {
        return process != null;
    }

    boolean scheduled() {
        return timer != null;
    }

    void appendOutput(String line, int maxLines, long maxChars) {
        output.addLast(line);
        outputChars += line.length();
        while (output.size() > 1 && (output.size() > maxLines || outputChars > maxChars)) {
            outputChars -= output.removeFirst().length();
        }
    }

    void clearOutput() {
        output.clear();
        outputChars = 0;
    }

    String joinedOutput() {
        StringBuilder sb = new StringBuilder();
        for (String s : output) {
            sb.append(s);
        }
        return sb.toString();
    }

    String tail(int lines) {
        int skip = Math.max(0, output.size() - lines);
        StringBuilder sb = new StringBuilder();
        Iterator<String> it = output.iterator();
        for (int i = 0; it.hasNext(); i++) {
            String s = it.next();
            if (i >= skip) {
                sb.append(s);
            }
        }
        return sb.toString();
    }

    StatusSnapshot status() {
        return new StatusSnapshot(running(), stopped, startedTs, activeTs, tail(RunnerEngine.TAIL_LINES), remaining,
                runCount, scheduled(), lastCase, lastCaseTs, consecutiveFailures, paused, lastExitCode, lastFinishTs);
    }
}
