/**
 * The notification SPI: implement {@link dev.mcr.notify.Notifier} for a profile type and register it with
 * {@code Mcr.builder().notifier(...)}; a failed delivery throws {@link dev.mcr.notify.NotifyException}.
 */
package dev.mcr.notify;
