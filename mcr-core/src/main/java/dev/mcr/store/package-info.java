/**
 * The values the store keeps besides the state: notification journal rows and their query, the last case
 * message of each runner, and the runs recorded as started.
 */
package dev.mcr.store;
