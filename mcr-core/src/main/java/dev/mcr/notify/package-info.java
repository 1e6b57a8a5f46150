/**
 * The notification SPI: implement {@link dev.mcr.notify.Notifier} for a profile type, declare its settings as
 * {@link dev.mcr.notify.ConfigField}s and register it with {@code Mcr.builder().notifier(...)}. It receives each
 * {@link dev.mcr.notify.Notification}; a failed delivery throws {@link dev.mcr.notify.NotifyException}, a transient
 * one {@link dev.mcr.notify.NotifyException#retryable}.
 */
package dev.mcr.notify;
