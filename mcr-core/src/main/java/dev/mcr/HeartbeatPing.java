package dev.mcr;

/** What a ping to a heartbeat runner's URL says (see {@link Mcr#ping}). */
public enum HeartbeatPing {
    /** {@code /ping/<token>}: the job ran; a successful run, or the end of the run a {@link #START} opened. */
    SUCCESS,
    /** {@code /ping/<token>/start}: the job began; a run that stays open until the next ping (which gives it a duration). */
    START,
    /** {@code /ping/<token>/fail}: the job failed; a run with exit code 1, which counts as a failure. */
    FAIL
}
