package dev.mcr.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * Next due times of cron schedules as a table, daylight-saving edges of Europe/Berlin and America/New_York included:
 * pure computation from a given instant, no clock and no waiting.
 */
class CronScheduleTest {

    private static Schedule.Cron cron(String expression, String zone) {
        return new Schedule.Cron(expression, zone, true, Schedule.Misfire.RUN_ONCE, Schedule.Overlap.SKIP,
                Schedule.FixedDelay.ZERO, Map.of());
    }

    @ParameterizedTest(name = "{0} in {1} after {2} -> {3}")
    @CsvSource(delimiter = '|', value = {
        // plain days
        "0 3 * * *      | Europe/Berlin    | 2026-01-10T12:00:00Z | 2026-01-11T02:00:00Z",
        "0 3 * * *      | UTC              | 2026-01-10T03:00:00Z | 2026-01-11T03:00:00Z",
        "*/2 * * * * *  | UTC              | 2026-01-10T03:00:00Z | 2026-01-10T03:00:02Z",
        "*/2 * * * * *  | UTC              | 2026-01-10T03:00:01.5Z | 2026-01-10T03:00:02Z",
        "0 9 * * 1-5    | Europe/Berlin    | 2026-01-09T09:00:00Z | 2026-01-12T08:00:00Z",
        "@hourly        | UTC              | 2026-01-10T03:10:00Z | 2026-01-10T04:00:00Z",
        "@daily         | America/New_York | 2026-01-10T12:00:00Z | 2026-01-11T05:00:00Z",
        "@weekly        | UTC              | 2026-01-10T12:00:00Z | 2026-01-11T00:00:00Z",
        "@monthly       | UTC              | 2026-01-10T12:00:00Z | 2026-02-01T00:00:00Z",
        "@yearly        | UTC              | 2026-01-10T12:00:00Z | 2027-01-01T00:00:00Z",
        "0 0 1 * MON    | UTC              | 2026-03-10T12:00:00Z | 2026-03-16T00:00:00Z",
        // Berlin, spring forward on 2026-03-29: 02:00 CET becomes 03:00 CEST; 02:30 does not exist that day
        "30 2 * * *     | Europe/Berlin    | 2026-03-28T12:00:00Z | 2026-03-29T01:00:00Z",
        "30 2 * * *     | Europe/Berlin    | 2026-03-29T01:00:00Z | 2026-03-30T00:30:00Z",
        "0 3 * * *      | Europe/Berlin    | 2026-03-28T12:00:00Z | 2026-03-29T01:00:00Z",
        "*/30 * * * *   | Europe/Berlin    | 2026-03-29T00:45:00Z | 2026-03-29T01:00:00Z",
        "*/30 * * * *   | Europe/Berlin    | 2026-03-29T01:00:00Z | 2026-03-29T01:30:00Z",
        // Berlin, fall back on 2026-10-25: 03:00 CEST becomes 02:00 CET; 02:30 exists twice and runs once
        "30 2 * * *     | Europe/Berlin    | 2026-10-24T12:00:00Z | 2026-10-25T00:30:00Z",
        "30 2 * * *     | Europe/Berlin    | 2026-10-25T00:30:00Z | 2026-10-26T01:30:00Z",
        "*/30 * * * *   | Europe/Berlin    | 2026-10-25T00:30:00Z | 2026-10-25T02:00:00Z",
        "*/30 * * * *   | Europe/Berlin    | 2026-10-25T01:10:00Z | 2026-10-25T02:00:00Z",
        // New York, spring forward on 2026-03-08 (02:00 EST becomes 03:00 EDT), fall back on 2026-11-01
        "30 2 * * *     | America/New_York | 2026-03-07T12:00:00Z | 2026-03-08T07:00:00Z",
        "30 2 * * *     | America/New_York | 2026-03-08T07:00:00Z | 2026-03-09T06:30:00Z",
        "30 1 * * *     | America/New_York | 2026-10-31T12:00:00Z | 2026-11-01T05:30:00Z",
        "30 1 * * *     | America/New_York | 2026-11-01T05:30:00Z | 2026-11-02T06:30:00Z",
        "0 * * * *      | America/New_York | 2026-11-01T05:00:00Z | 2026-11-01T07:00:00Z",
    })
    void the_next_due_time_follows_the_wall_clock_of_its_zone(String expression, String zone, String after,
                                                               String expected) {
        assertThat(cron(expression, zone).nextRun(Instant.parse(after), ZoneOffset.UTC))
                .contains(Instant.parse(expected));
    }

    @Test
    void a_day_with_a_skipped_hour_runs_every_due_time_of_the_gap_once_at_its_end() {
        List<Instant> next = cron("*/15 * * * *", "Europe/Berlin").nextRuns(Instant.parse("2026-03-29T00:50:00Z"),
                ZoneOffset.UTC, 3);

        // 01:50 CET: 02:00, 02:15, 02:30 and 02:45 do not exist; they run once at 03:00 CEST (01:00Z)
        assertThat(next).containsExactly(Instant.parse("2026-03-29T01:00:00Z"), Instant.parse("2026-03-29T01:15:00Z"),
                Instant.parse("2026-03-29T01:30:00Z"));
    }

    @Test
    void the_repeated_hour_of_a_fall_back_day_runs_each_wall_clock_time_once() {
        List<Instant> next = cron("0 * * * *", "Europe/Berlin").nextRuns(Instant.parse("2026-10-24T23:30:00Z"),
                ZoneOffset.UTC, 4);

        // from 01:30 CEST: 02:00 CEST, (02:00 CET again: not run), 03:00 CET, 04:00 CET, 05:00 CET
        assertThat(next).containsExactly(Instant.parse("2026-10-25T00:00:00Z"), Instant.parse("2026-10-25T02:00:00Z"),
                Instant.parse("2026-10-25T03:00:00Z"), Instant.parse("2026-10-25T04:00:00Z"));
    }

    @Test
    void an_empty_zone_is_the_servers_zone() {
        assertThat(cron("0 3 * * *", "").nextRun(Instant.parse("2026-01-10T12:00:00Z"), ZoneId.of("Asia/Tokyo")))
                .contains(Instant.parse("2026-01-10T18:00:00Z"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "1 2 3                | has 3 fields",
        "60 * * * *           | not a valid cron expression",
        "* * * * * * *        | has 7 fields",
        "@reboot              | not a cron macro",
        "'   '                | empty",
    })
    void an_invalid_expression_is_refused_with_a_sentence_that_says_what_to_use(String expression, String why) {
        assertThatThrownBy(() -> Schedule.Cron.check(expression, ""))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(why)
                .hasMessageContaining("Use 5 fields");
    }

    @Test
    void an_unknown_zone_is_refused_with_a_sentence() {
        assertThatThrownBy(() -> Schedule.Cron.check("0 3 * * *", "Mars/Olympus"))
                .hasMessage("'Mars/Olympus' is not a known time zone; use an IANA name such as Europe/Berlin, or "
                        + "leave it empty for the server's zone.");
    }

    @Test
    void the_builder_takes_a_cron_expression_and_a_zone_and_refuses_a_bad_one() {
        Runner r = Runner.builder("nightly").command("true").cron("0 3 * * *", ZoneId.of("Europe/Berlin")).build();

        assertThat(r.timing().schedule()).isEqualTo(cron("0 3 * * *", "Europe/Berlin"));
        assertThatThrownBy(() -> Runner.builder("x").command("true").cron("0 3 * *", null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("has 4 fields");
    }
}
