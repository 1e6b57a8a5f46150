package dev.mcr.event;

/** A runner changed its status: a {@code "status"} event. */
public sealed interface RunnerStatusEvent extends McrEvent
        permits RunStarted, RunStopping, RunStopped, RunFinished, RunScheduled, RunPaused {

    /** Returns the runner's id. */
    String runnerId();

    /** Returns the JSON {@code status} value, for example {@code "started"}. */
    String status();

    @Override
    default String type() {
        return "status";
    }
}
