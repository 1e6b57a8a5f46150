/**
 * Internal (not exported): notification delivery: the Pushover notifier and the asynchronous
 * {@link dev.mcr.delivery.NotificationDispatcher} with its counters, journal, secret scrubbing and events.
 */
package dev.mcr.delivery;
