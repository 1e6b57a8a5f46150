/**
 * The state model: immutable records of runners, cases, notification profiles, groups and layout, the
 * normalizer that makes any JSON consistent, its JSON form and the first-start demo state.
 */
package dev.mcr.model;
