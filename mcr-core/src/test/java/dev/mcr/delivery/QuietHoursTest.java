package dev.mcr.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;

class QuietHoursTest {

    static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

    private static QuietHours of(String from, String to) {
        return QuietHours.parse(Map.of("from", from, "to", to, "time_zone", "Europe/Berlin"), ZoneOffset.UTC).orElseThrow();
    }

    @Test
    void a_window_over_midnight_covers_the_late_evening_and_the_early_morning_but_not_the_day() {
        QuietHours q = of("22:00", "07:00");

        assertThat(q.suppresses(Instant.parse("2026-12-07T21:00:00Z"), "WARN")).isTrue();  // 22:00 Berlin
        assertThat(q.suppresses(Instant.parse("2026-12-08T05:59:00Z"), "WARN")).isTrue();  // 06:59 Berlin
        assertThat(q.suppresses(Instant.parse("2026-12-08T06:00:00Z"), "WARN")).isFalse(); // 07:00 Berlin
        assertThat(q.suppresses(Instant.parse("2026-12-07T20:59:00Z"), "WARN")).isFalse(); // 21:59 Berlin
    }

    @Test
    void on_the_day_the_clocks_go_forward_the_window_follows_the_wall_clock() {
        QuietHours q = of("01:30", "03:30"); // 2026-03-29: 02:00 CET becomes 03:00 CEST in Berlin

        assertThat(q.suppresses(Instant.parse("2026-03-29T00:45:00Z"), "INFO")).isTrue();  // 01:45 CET
        assertThat(q.suppresses(Instant.parse("2026-03-29T01:15:00Z"), "INFO")).isTrue();  // 03:15 CEST
        assertThat(q.suppresses(Instant.parse("2026-03-29T01:30:00Z"), "INFO")).isFalse(); // 03:30 CEST
    }

    @Test
    void down_breaks_through_only_when_asked_to() {
        QuietHours without = of("00:00", "23:59");
        QuietHours with = QuietHours.parse(Map.of("from", "00:00", "to", "23:59", "down_breaks_through", true), BERLIN)
                .orElseThrow();
        Instant noon = Instant.parse("2026-12-07T11:00:00Z");

        assertThat(without.suppresses(noon, "DOWN")).isTrue();
        assertThat(with.suppresses(noon, "DOWN")).isFalse();
        assertThat(with.suppresses(noon, "WARN")).isTrue();
        assertThat(with.zone()).isEqualTo(BERLIN);
    }

    @Test
    void bad_quiet_hours_are_refused_with_a_sentence_naming_the_field() {
        assertThatThrownBy(() -> QuietHours.parse(Map.of("from", "25:00", "to", "07:00"), BERLIN))
                .hasMessage("quiet_hours.from must be a time like \"22:00\", not '25:00'.");
        assertThatThrownBy(() -> QuietHours.parse(Map.of("from", "22:00", "to", "07:00", "time_zone", "Mars/Base"), BERLIN))
                .hasMessageContaining("quiet_hours.time_zone 'Mars/Base' is not a known time zone");
        assertThatThrownBy(() -> QuietHours.parse("22-07", BERLIN)).hasMessageContaining("must be an object");
        assertThat(QuietHours.parse(null, BERLIN)).isEmpty();
    }
}
