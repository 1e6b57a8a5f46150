package dev.mcr;

import java.util.concurrent.CompletionStage;

/**
 * A run started by {@link Mcr#start(String)}: its id, known at once, and its result, once its end is accounted.
 *
 * <pre>{@code
 * RunHandle run = mcr.start("backup");
 * log.info("started {}", run.runId());                    // also MCR_RUN_ID of its processes
 * RunResult r = run.result().toCompletableFuture().get(10, TimeUnit.MINUTES);
 * if (!r.succeeded()) { ... }
 * }</pre>
 *
 * @param runnerId the runner
 * @param runId    the run: {@code run_} and 32 lowercase hex digits in the layout of a UUIDv7, so ids sort by start
 *                 time; its events carry it as {@code run_id}, its processes as {@code MCR_RUN_ID}
 * @param result   completes with the result after the run's {@code finished} event was published (and its
 *                 {@code paused} or {@code scheduled} follow-up), also when the runner is deleted while it runs;
 *                 completes exceptionally with {@link dev.mcr.error.ClosedException} when mcr is closed before the run
 *                 ended. Callbacks run on the thread that completes it (the run's reader) unless an executor is
 *                 given; {@code toCompletableFuture()} gives an independent copy to wait on.
 */
public record RunHandle(String runnerId, String runId, CompletionStage<RunResult> result) {
}
