package dev.mcr.model;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/**
 * The one timestamp format of the state, events and logs: ISO-8601 with offset, second precision,
 * like Python's {@code datetime.now().astimezone().isoformat(timespec="seconds")}
 * (for example {@code 2026-11-24T19:12:20+01:00}; UTC is written {@code +00:00}).
 */
public final class Timestamps {

    private static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ssxxx");

    private Timestamps() {
    }

    /**
     * Formats an instant in a zone.
     *
     * @param instant the instant, may be {@code null}
     * @param zone    the zone whose offset is written
     * @return the text, or {@code null} when {@code instant} is {@code null}
     */
    public static String format(Instant instant, ZoneId zone) {
        if (instant == null) {
            return null;
        }
        return OffsetDateTime.ofInstant(instant.truncatedTo(ChronoUnit.SECONDS), zone).format(FORMAT);
    }

    /**
     * Parses a timestamp written by {@link #format} or by the original tool (fractions and a missing
     * offset are accepted; a missing offset means UTC).
     *
     * @param text the text, may be {@code null}
     * @return the instant, or {@code null} when the text is empty or unreadable
     */
    public static Instant parse(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        String t = text.trim();
        try {
            return OffsetDateTime.parse(t).toInstant();
        } catch (RuntimeException e) {
            try {
                return java.time.LocalDateTime.parse(t).toInstant(java.time.ZoneOffset.UTC);
            } catch (RuntimeException e2) {
                return null;
            }
        }
    }
}
