/**
 * The facade {@link dev.mcr.Mcr} (built with {@link dev.mcr.Mcr#builder()}) and the values it takes and returns.
 * The exceptions it throws are in {@link dev.mcr.error}.
 *
 * <p>Inside (package-private), {@code StateKeeper} holds the configuration with the versions of its objects and
 * turns every change (a whole state, one object with a base version, a legacy save without versions, a clone, an
 * import, a profile the notification worker disables) into one commit to the {@link dev.mcr.store.Store}, publishing a
 * {@link dev.mcr.event.StateChanged} per changed object.
 */
package dev.mcr;
