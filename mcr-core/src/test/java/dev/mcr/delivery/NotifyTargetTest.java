package dev.mcr.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcr.model.Runner;
import org.junit.jupiter.api.Test;

class NotifyTargetTest {

    @Test
    void a_runners_targets_keep_its_profile_order_and_updates_only_flags() {
        Runner runner = Runner.builder("runner_nas").command("true")
                .notify("notify_b")
                .notifyUpdatesOnly("notify_a")
                .notify("notify_c")
                .build();

        assertThat(NotifyTarget.of(runner)).containsExactly(
                new NotifyTarget("notify_b", false),
                new NotifyTarget("notify_a", true),
                new NotifyTarget("notify_c", false));
    }

    @Test
    void a_runner_without_profiles_has_no_targets() {
        assertThat(NotifyTarget.of(Runner.builder("runner_quiet").command("true").build())).isEmpty();
    }
}
