/**
 * Internal (not exported): the state as Jackson trees ({@link dev.mcr.json.StateTrees}) and the normalizer that
 * turns any JSON tree into a consistent state ({@link dev.mcr.json.StateNormalizer}), for the code that reads raw
 * documents before normalizing them or writes trees; the API is {@code dev.mcr.model.StateJson}.
 */
package dev.mcr.json;
