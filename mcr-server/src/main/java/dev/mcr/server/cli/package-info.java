/**
 * The command line of the server jar ({@code user}, {@code audit}): it acts on {@code DATA_DIR} through
 * {@link dev.mcr.access.Access} alone, so it works while the server is stopped and never starts a runner.
 */
package dev.mcr.server.cli;
