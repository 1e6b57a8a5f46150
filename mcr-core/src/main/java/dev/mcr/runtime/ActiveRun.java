package dev.mcr.runtime;

import dev.mcr.model.Runner;
import dev.mcr.process.ShellProcess;
import java.time.Instant;

/**
 * One run while it lives: its process, its marker ({@value RunnerEngine#RUN_ID_ENV}), the settings it was
 * started with (its command goes into the log), when it started, its reader and the events its reader batches.
 */
final class ActiveRun {

    private final long runId;
    private final String marker;
    private final ShellProcess process;
    private final Runner startConfig;
    private final Instant startedTs;
    private ReaderThreads.Reader reader;
    /** The reader's batch while it reads; events of this run published from elsewhere go through it. */
    private volatile RunEventBatch events;

    ActiveRun(long runId, String marker, ShellProcess process, Runner startConfig, Instant startedTs) {
        this.runId = runId;
        this.marker = marker;
        this.process = process;
        this.startConfig = startConfig;
        this.startedTs = startedTs;
    }

    long runId() {
        return runId;
    }

    String marker() {
        return marker;
    }

    ShellProcess process() {
        return process;
    }

    Runner startConfig() {
        return startConfig;
    }

    Instant startedTs() {
        return startedTs;
    }

    ReaderThreads.Reader reader() {
        return reader;
    }

    void reader(ReaderThreads.Reader r) {
        this.reader = r;
    }

    RunEventBatch events() {
        return events;
    }

    void events(RunEventBatch batch) {
        this.events = batch;
    }
}
