/**
 * Internal (not exported): the state as Jackson trees ({@link dev.mcr.json.StateTrees}), the normalizer that turns any
 * JSON tree into a consistent state ({@link dev.mcr.json.StateNormalizer}), the deep merge behind "absent means keep"
 * ({@link dev.mcr.json.JsonMerge}) and the writer of the original's JSON style ({@link dev.mcr.json.PythonJson}), for
 * the code that reads raw documents before normalizing them or writes trees; the API is
 * {@code dev.mcr.model.StateJson}.
 */
package dev.mcr.json;
