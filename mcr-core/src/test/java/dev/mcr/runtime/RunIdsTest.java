package dev.mcr.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Run ids are time-ordered, UUIDv7-shaped and unique. */
class RunIdsTest {

    private static UUID uuid(String runId) {
        String h = runId.substring(RunIds.PREFIX.length());
        return UUID.fromString(h.substring(0, 8) + "-" + h.substring(8, 12) + "-" + h.substring(12, 16) + "-"
                + h.substring(16, 20) + "-" + h.substring(20));
    }

    @Test
    void an_id_is_run_and_32_lowercase_hex_digits_of_a_uuid_version_7_carrying_the_start_millisecond() {
        long millis = 1_773_230_400_123L;
        String id = new RunIds().next(millis);

        assertThat(id).matches("^run_[0-9a-f]{32}$").matches("^[A-Za-z0-9_-]{1,120}$");
        UUID u = uuid(id);
        assertThat(u.version()).isEqualTo(7);
        assertThat(u.variant()).isEqualTo(2);
        assertThat(u.getMostSignificantBits() >>> 16).isEqualTo(millis);
    }

    @Test
    void ids_sort_by_start_time_even_within_one_millisecond_and_when_the_clock_goes_back() {
        RunIds ids = new RunIds();
        List<String> made = new ArrayList<>();
        long[] times = {1000, 1000, 1000, 1001, 999, 5000, 5000};
        for (long t : times) {
            made.add(ids.next(t));
        }
        for (int i = 0; i < 5000; i++) {
            made.add(ids.next(6000));
        }

        assertThat(made).isSorted().doesNotHaveDuplicates();
    }

    @Test
    void two_generators_at_the_same_millisecond_make_different_ids() {
        RunIds a = new RunIds();
        RunIds b = new RunIds();
        HashSet<String> all = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            all.add(a.next(42));
            all.add(b.next(42));
        }
        assertThat(all).hasSize(2000);
    }
}
