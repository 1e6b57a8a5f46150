/**
 * Internal (not exported): the data folder's files besides the database: its private permissions and the
 * per-runner {@code run_<id>.log} files with their rotation.
 */
package dev.mcr.files;
