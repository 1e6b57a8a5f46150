package dev.mcr.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class StatsTest {

    @Test
    void the_median_of_an_even_count_is_the_mean_of_the_two_middle_values() {
        assertThat(Stats.median(4, 1, 3, 2)).isEqualTo(2.5);
        assertThat(Stats.median(7, 1, 5)).isEqualTo(5);
    }

    @Test
    void a_nearest_rank_percentile_is_a_sample_at_or_above_that_share() {
        List<Long> v = List.of(10L, 20L, 30L, 40L, 50L, 60L, 70L, 80L, 90L, 100L);
        assertThat(Stats.percentile(v, 50)).isEqualTo(50);
        assertThat(Stats.percentile(v, 99)).isEqualTo(100);
        assertThat(Stats.percentile(v, 0)).isEqualTo(10);
    }

    @Test
    void statistics_of_nothing_are_refused_with_a_sentence() {
        assertThatThrownBy(() -> Stats.percentile(List.of(), 50)).hasMessage("A percentile needs at least one value.");
        assertThatThrownBy(Stats::median).hasMessage("A median needs at least one value.");
    }

    @Test
    void the_report_median_ratio_is_the_median_of_the_round_ratios() {
        Report r = new Report("t");
        r.addRound(List.of(new Comparison("x", 10, 5)));
        r.addRound(List.of(new Comparison("x", 10, 20)));
        r.addRound(List.of(new Comparison("x", 1, 1)));
        assertThat(r.medianRatio("x")).isEqualTo(1.0);
        assertThat(r.medians().get("x").baseline()).isEqualTo(10);
    }
}
