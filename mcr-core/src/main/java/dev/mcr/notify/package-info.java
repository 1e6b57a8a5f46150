/**
 * Notification delivery: the {@link dev.mcr.notify.Notifier} SPI, the Pushover notifier and the
 * asynchronous {@link dev.mcr.notify.NotificationDispatcher} with its counters, journal and events.
 */
package dev.mcr.notify;
