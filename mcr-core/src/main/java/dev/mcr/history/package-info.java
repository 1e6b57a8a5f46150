/**
 * Internal (not exported): the run history. {@link dev.mcr.history.RunRecorder} observes the run events and keeps a
 * record and the output of every run; {@link dev.mcr.history.RunStatistics} sums a runner's records up.
 */
package dev.mcr.history;
