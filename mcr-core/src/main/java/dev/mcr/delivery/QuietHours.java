package dev.mcr.delivery;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;

/**
 * The quiet hours of a service: the profile key {@value #KEY}, a JSON object
 * {@code {"from":"22:00","to":"07:00","time_zone":"Europe/Berlin","down_breaks_through":true}}. Within the window
 * (which may run over midnight) no message is sent, except a DOWN when {@code down_breaks_through} is set. The window is
 * read on the wall clock of the zone, so on a day the clocks change it still starts and ends at the named times.
 *
 * @param from              first quiet minute
 * @param to                first minute that is not quiet any more
 * @param zone              the zone the times are read in
 * @param downBreaksThrough whether a DOWN is sent in the window all the same
 */
public record QuietHours(LocalTime from, LocalTime to, ZoneId zone, boolean downBreaksThrough) {

    /** The profile key. */
    public static final String KEY = "quiet_hours";
    private static final DateTimeFormatter HH_MM = DateTimeFormatter.ofPattern("HH:mm");

    /**
     * Reads a profile's quiet hours.
     *
     * @param value       the value of {@value #KEY} as the model keeps it (a map), or {@code null}
     * @param defaultZone the zone when none is given
     * @return the quiet hours, or empty when there are none ({@code null}, or an object without {@code from})
     * @throws IllegalArgumentException with a sentence naming the field when the value cannot be read
     */
    public static Optional<QuietHours> parse(Object value, ZoneId defaultZone) {
        if (value == null) {
            return Optional.empty();
        }
        if (!(value instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException("quiet_hours must be an object like {\"from\":\"22:00\",\"to\":\"07:00\"}.");
        }
        if (map.isEmpty() || (map.get("from") == null && map.get("to") == null)) {
            return Optional.empty();
        }
        LocalTime from = time(map.get("from"), "from");
        LocalTime to = time(map.get("to"), "to");
        if (from.equals(to)) {
            throw new IllegalArgumentException("quiet_hours.from and quiet_hours.to must differ.");
        }
        ZoneId zone = defaultZone;
        Object z = map.get("time_zone");
        if (z != null && !(z instanceof String s && s.isBlank())) {
            try {
                zone = ZoneId.of(String.valueOf(z).strip());
            } catch (DateTimeException e) {
                throw new IllegalArgumentException("quiet_hours.time_zone '" + z + "' is not a known time zone, for example \"Europe/Berlin\".");
            }
        }
        Object down = map.get("down_breaks_through");
        if (down != null && !(down instanceof Boolean)) {
            throw new IllegalArgumentException("quiet_hours.down_breaks_through must be true or false.");
        }
        return Optional.of(new QuietHours(from, to, zone, Boolean.TRUE.equals(down)));
    }

    private static LocalTime time(Object v, String field) {
        if (v instanceof String s) {
            try {
                return LocalTime.parse(s.strip(), HH_MM);
            } catch (DateTimeParseException e) {
                // answered below
            }
        }
        throw new IllegalArgumentException("quiet_hours." + field + " must be a time like \"22:00\", not '" + v + "'.");
    }

    /**
     * Tells whether a message of this state is held back at this instant.
     *
     * @param at    now
     * @param state the case state ({@code DOWN}, ...)
     * @return true when it must not be sent
     */
    public boolean suppresses(Instant at, String state) {
        if (downBreaksThrough && "DOWN".equals(state)) {
            return false;
        }
        LocalTime t = LocalTime.ofInstant(at, zone);
        return from.isBefore(to)
                ? !t.isBefore(from) && t.isBefore(to)
                : !t.isBefore(from) || t.isBefore(to);
    }
}
