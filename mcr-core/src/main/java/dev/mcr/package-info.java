/**
 * The facade {@link dev.mcr.Mcr} (built with {@link dev.mcr.Mcr#builder()}) and the exceptions mcr throws.
 */
package dev.mcr;
