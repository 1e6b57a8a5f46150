package dev.mcr.model;

import com.cronutils.model.definition.CronDefinition;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * A parsed cron expression (cron-utils underneath) and the wall-clock rule of {@link Schedule.Cron} across
 * daylight-saving changes.
 *
 * <p>cron-utils steps through zoned times: on the day the clock skips an hour it drops a due time inside the gap
 * (until the next day), and in the hour the clock repeats it fires a due time twice when the expression matches more
 * than once an hour. mcr promises "a time that does not exist runs once at the next valid instant, a time that exists
 * twice runs once", so the expression is evaluated on local date-times (cron-utils in UTC, which has no changes) and
 * each local due time is mapped to an instant here: a time in a gap to the end of the gap, a time in an overlap to
 * its first occurrence.
 */
final class CronRule {

    private static final Set<String> MACROS = Set.of("@hourly", "@daily", "@midnight", "@weekly", "@monthly",
            "@yearly", "@annually");
    private static final CronParser FIVE = new CronParser(definition(false));
    private static final CronParser SIX = new CronParser(definition(true));
    /** Enough for an every-second expression to step over anything but an overlap, which is jumped over. */
    private static final int MAX_STEPS = 100;

    private final ExecutionTime times;

    private CronRule(ExecutionTime times) {
        this.times = times;
    }

    private static CronDefinition definition(boolean seconds) {
        var b = CronDefinitionBuilder.defineCron();
        if (seconds) {
            b = b.withSeconds().withValidRange(0, 59).withStrictRange().and();
        }
        return b.withMinutes().withValidRange(0, 59).withStrictRange().and()
                .withHours().withValidRange(0, 23).withStrictRange().and()
                .withDayOfMonth().withValidRange(1, 31).withStrictRange().and()
                .withMonth().withValidRange(1, 12).withStrictRange().and()
                .withDayOfWeek().withValidRange(0, 7).withMondayDoWValue(1).withIntMapping(7, 0).withStrictRange()
                .and()
                .withSupportedNicknameHourly().withSupportedNicknameDaily().withSupportedNicknameMidnight()
                .withSupportedNicknameWeekly().withSupportedNicknameMonthly().withSupportedNicknameYearly()
                .withSupportedNicknameAnnually()
                .instance();
    }

    /**
     * Parses an expression.
     *
     * @param expression 5 fields, 6 with seconds first, or a macro
     * @return the rule
     * @throws IllegalArgumentException with a sentence when it is not valid
     */
    static CronRule parse(String expression) {
        String e = expression == null ? "" : expression.strip();
        String hint = " Use 5 fields (minute hour day-of-month month day-of-week), 6 with seconds first, or one of "
                + "@hourly, @daily, @weekly, @monthly, @yearly.";
        if (e.isEmpty()) {
            throw new IllegalArgumentException("The cron expression is empty." + hint);
        }
        CronParser parser;
        if (e.startsWith("@")) {
            if (!MACROS.contains(e.toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException("'" + e + "' is not a cron macro mcr knows." + hint);
            }
            e = e.toLowerCase(Locale.ROOT);
            parser = FIVE;
        } else {
            int fields = e.split("\\s+").length;
            if (fields != 5 && fields != 6) {
                throw new IllegalArgumentException("'" + e + "' has " + fields + " field" + (fields == 1 ? "" : "s")
                        + "." + hint);
            }
            parser = fields == 5 ? FIVE : SIX;
        }
        try {
            return new CronRule(ExecutionTime.forCron(parser.parse(e)));
        } catch (RuntimeException x) {
            String why = x.getMessage() == null ? x.getClass().getSimpleName() : x.getMessage().strip();
            throw new IllegalArgumentException("'" + e + "' is not a valid cron expression (" + why + ")." + hint);
        }
    }

    /**
     * Returns the first due time strictly after {@code from}.
     *
     * @param from the moment to count from
     * @param zone the zone of the expression
     * @return the instant, or empty when there is none
     */
    Optional<Instant> next(Instant from, ZoneId zone) {
        ZoneRules rules = zone.getRules();
        LocalDateTime cursor = LocalDateTime.ofInstant(from, zone);
        for (int i = 0; i < MAX_STEPS; i++) {
            Optional<ZonedDateTime> n = times.nextExecution(cursor.atZone(ZoneOffset.UTC));
            if (n.isEmpty()) {
                return Optional.empty();
            }
            LocalDateTime local = n.get().toLocalDateTime();
            List<ZoneOffset> offsets = rules.getValidOffsets(local);
            Instant at;
            ZoneOffsetTransition change = offsets.size() == 1 ? null : rules.getTransition(local);
            if (change == null) {
                at = local.toInstant(offsets.get(0));
            } else if (offsets.isEmpty()) {
                at = change.getInstant();
            } else {
                at = local.toInstant(change.getOffsetBefore());
            }
            if (at.isAfter(from)) {
                return Optional.of(at);
            }
            // Past already: a time in a gap ran at the gap's end, a time in an overlap at its first occurrence; the
            // other times of that gap or repeated hour do not run again, so the search goes on after it.
            if (change == null) {
                cursor = local;
            } else {
                LocalDateTime end = offsets.isEmpty() ? change.getDateTimeAfter() : change.getDateTimeBefore();
                cursor = end.isAfter(local) ? end.minusNanos(1) : local;
            }
        }
        return Optional.empty();
    }
}
