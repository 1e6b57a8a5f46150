/**
 * The state model: immutable records of runners, cases, notification profiles, groups and layout with their
 * builders, ids and timestamps, the JSON form of the state ({@link dev.mcr.model.StateJson}, which also makes any
 * JSON consistent) and the first-start demo state. Versions live beside the records, not in them
 * ({@link dev.mcr.model.Versioned}, {@link dev.mcr.model.Versions}, {@link dev.mcr.model.VersionedState}), so equal
 * content stays equal records.
 */
package dev.mcr.model;
