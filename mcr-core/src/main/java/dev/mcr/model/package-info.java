/**
 * The state model: immutable records of runners, cases, notification profiles, groups and layout with their
 * builders, ids and timestamps, the JSON form of the state ({@link dev.mcr.model.StateJson}, which also makes any
 * JSON consistent) and the first-start demo state.
 */
package dev.mcr.model;
