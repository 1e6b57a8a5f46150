/**
 * Internal (not exported): spawning a shell command in its own process group, reading its merged output as bounded
 * UTF-8 lines, and stopping the whole process tree (SIGINT, SIGTERM, SIGKILL).
 */
package dev.mcr.process;
