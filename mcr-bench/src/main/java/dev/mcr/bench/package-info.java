/**
 * Benchmarks of mcr's costs against bare baselines measured in the same run: the line pipeline,
 * spawn overhead, the event stream end to end, footprint and scale. Every figure is a ratio to a
 * baseline, so that it means something on a noisy shared machine. Run through {@link dev.mcr.bench.Main}.
 */
package dev.mcr.bench;
