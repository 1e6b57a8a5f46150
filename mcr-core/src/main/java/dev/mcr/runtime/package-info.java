/**
 * Internal (not exported): the runner engine ({@link dev.mcr.runtime.RunnerEngine}, which coordinates the state
 * machine of each runner, output batching, the last-case throttle, auto-pause, stop escalation and durable
 * schedules, each in its own class), run ids and run outcomes, the group sequencer, the case matcher with its
 * Python-regex translation and templates, the alert policy and runner status snapshots.
 */
package dev.mcr.runtime;
