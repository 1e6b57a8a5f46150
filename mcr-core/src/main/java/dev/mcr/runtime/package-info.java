/**
 * Internal (not exported): the runner engine (starts, schedules, stops, auto-pause), the group sequencer, the case
 * matcher with its Python-regex translation and templates, the alert policy and runner status snapshots.
 */
package dev.mcr.runtime;
