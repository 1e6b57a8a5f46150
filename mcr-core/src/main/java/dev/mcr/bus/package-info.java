/**
 * Internal (not exported): the {@link dev.mcr.bus.EventBus} that fans events out to subscribers, each through its
 * own bounded queue.
 */
package dev.mcr.bus;
