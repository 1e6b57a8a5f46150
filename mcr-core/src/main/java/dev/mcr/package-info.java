/**
 * The facade {@link dev.mcr.Mcr} (built with {@link dev.mcr.Mcr#builder()}) and the values it takes and returns.
 * The exceptions it throws are in {@link dev.mcr.error}.
 */
package dev.mcr;
