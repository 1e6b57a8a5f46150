package dev.mcr.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcr.model.CaseState;
import dev.mcr.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class AlertPolicyTest {

    private static final long COOLDOWN = 300;
    private static final long ESCALATION = 1800;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-11T12:00:00Z"));
    private final AlertPolicy policy = new AlertPolicy(clock);

    private Optional<String> decide(CaseState state) {
        return decide(state, "msg", COOLDOWN, ESCALATION);
    }

    private Optional<String> decide(CaseState state, String message, long cooldownS, long escalationS) {
        return policy.decide(state, message, Duration.ofSeconds(cooldownS), Duration.ofSeconds(escalationS));
    }

    private void after(long seconds) {
        clock.advance(Duration.ofSeconds(seconds));
    }

    @Test
    void stateless_and_stop_matches_are_always_sent_as_is() {
        assertThat(decide(CaseState.NONE)).hasValue("msg");
        assertThat(decide(CaseState.NONE)).hasValue("msg");
        assertThat(decide(CaseState.STOP)).hasValue("msg");
        assertThat(decide(CaseState.STOP)).hasValue("msg");
    }

    @Test
    void stateless_and_stop_matches_leave_the_memory_untouched() {
        assertThat(decide(CaseState.DOWN)).hasValue("msg");
        after(10);
        assertThat(decide(CaseState.NONE)).hasValue("msg");
        assertThat(decide(CaseState.STOP)).hasValue("msg");
        assertThat(decide(CaseState.DOWN)).as("still DOWN, within the cooldown").isEmpty();
        assertThat(decide(CaseState.UP)).hasValue("RECOVERY: msg");
    }

    @Test
    void first_state_is_sent_as_is() {
        assertThat(decide(CaseState.UP)).hasValue("msg");
    }

    @Test
    void first_down_is_sent_as_is() {
        assertThat(decide(CaseState.DOWN)).hasValue("msg");
    }

    @Test
    void state_change_is_sent_as_is() {
        decide(CaseState.UP);
        assertThat(decide(CaseState.DOWN)).hasValue("msg");
        assertThat(decide(CaseState.WARN)).hasValue("msg");
        assertThat(decide(CaseState.DOWN)).hasValue("msg");
        assertThat(decide(CaseState.INFO)).hasValue("msg");
    }

    @Test
    void down_to_up_is_a_recovery() {
        decide(CaseState.DOWN);
        assertThat(decide(CaseState.UP)).hasValue("RECOVERY: msg");
    }

    @Test
    void warn_to_up_is_a_recovery() {
        decide(CaseState.WARN);
        assertThat(decide(CaseState.UP)).hasValue("RECOVERY: msg");
    }

    @Test
    void info_to_up_is_not_a_recovery() {
        decide(CaseState.INFO);
        assertThat(decide(CaseState.UP)).hasValue("msg");
    }

    @Test
    void same_up_or_info_is_never_repeated() {
        decide(CaseState.UP);
        after(100_000);
        assertThat(decide(CaseState.UP)).isEmpty();
        decide(CaseState.INFO);
        after(100_000);
        assertThat(decide(CaseState.INFO)).isEmpty();
    }

    @Test
    void same_down_or_warn_before_the_cooldown_is_not_sent() {
        decide(CaseState.DOWN);
        after(COOLDOWN - 1);
        assertThat(decide(CaseState.DOWN)).isEmpty();
        decide(CaseState.WARN);
        after(COOLDOWN - 1);
        assertThat(decide(CaseState.WARN)).isEmpty();
    }

    @Test
    void same_down_after_the_cooldown_but_before_the_escalation_is_not_sent() {
        decide(CaseState.DOWN);
        after(COOLDOWN);
        assertThat(decide(CaseState.DOWN)).isEmpty();
        after(ESCALATION - COOLDOWN - 1);
        assertThat(decide(CaseState.DOWN)).isEmpty();
    }

    @Test
    void same_down_after_cooldown_and_escalation_is_an_escalation_and_the_clock_restarts() {
        decide(CaseState.DOWN);
        after(ESCALATION);
        assertThat(decide(CaseState.DOWN)).hasValue("ESCALATION (DOWN): msg");
        after(COOLDOWN);
        assertThat(decide(CaseState.DOWN)).as("clock restarted at the escalation").isEmpty();
        after(ESCALATION - COOLDOWN - 1);
        assertThat(decide(CaseState.DOWN)).isEmpty();
        after(1);
        assertThat(decide(CaseState.DOWN)).hasValue("ESCALATION (DOWN): msg");
    }

    @Test
    void same_warn_escalates_with_its_own_state_name() {
        decide(CaseState.WARN);
        after(ESCALATION);
        assertThat(decide(CaseState.WARN)).hasValue("ESCALATION (WARN): msg");
    }

    @Test
    void escalation_zero_means_only_the_cooldown_matters() {
        decide(CaseState.DOWN, "msg", COOLDOWN, 0);
        after(COOLDOWN - 1);
        assertThat(decide(CaseState.DOWN, "msg", COOLDOWN, 0)).isEmpty();
        after(1);
        assertThat(decide(CaseState.DOWN, "msg", COOLDOWN, 0)).hasValue("ESCALATION (DOWN): msg");
        after(COOLDOWN - 1);
        assertThat(decide(CaseState.DOWN, "msg", COOLDOWN, 0)).isEmpty();
        after(1);
        assertThat(decide(CaseState.DOWN, "msg", COOLDOWN, 0)).hasValue("ESCALATION (DOWN): msg");
    }

    @Test
    void cooldown_zero_means_only_the_escalation_matters() {
        decide(CaseState.DOWN, "msg", 0, 60);
        after(59);
        assertThat(decide(CaseState.DOWN, "msg", 0, 60)).isEmpty();
        after(1);
        assertThat(decide(CaseState.DOWN, "msg", 0, 60)).hasValue("ESCALATION (DOWN): msg");
    }

    @Test
    void cooldown_and_escalation_zero_repeat_every_down() {
        decide(CaseState.DOWN, "msg", 0, 0);
        assertThat(decide(CaseState.DOWN, "msg", 0, 0)).hasValue("ESCALATION (DOWN): msg");
        assertThat(decide(CaseState.DOWN, "msg", 0, 0)).hasValue("ESCALATION (DOWN): msg");
    }

    @Test
    void escalation_shorter_than_the_cooldown_waits_for_the_cooldown() {
        decide(CaseState.DOWN, "msg", 600, 60);
        after(599);
        assertThat(decide(CaseState.DOWN, "msg", 600, 60)).isEmpty();
        after(1);
        assertThat(decide(CaseState.DOWN, "msg", 600, 60)).hasValue("ESCALATION (DOWN): msg");
    }

    @Test
    void negative_cooldown_and_escalation_count_as_zero() {
        decide(CaseState.DOWN, "msg", -5, -5);
        assertThat(decide(CaseState.DOWN, "msg", -5, -5)).hasValue("ESCALATION (DOWN): msg");
    }

    @Test
    void cooldown_counts_from_the_state_change_and_sub_second_time_matters() {
        decide(CaseState.UP);
        after(50);
        decide(CaseState.DOWN);
        clock.advance(Duration.ofSeconds(ESCALATION).minusMillis(1));
        assertThat(decide(CaseState.DOWN)).isEmpty();
        clock.advance(Duration.ofMillis(1));
        assertThat(decide(CaseState.DOWN)).hasValue("ESCALATION (DOWN): msg");
    }

    @Test
    void clock_going_back_sends_nothing_for_a_repeated_down() {
        decide(CaseState.DOWN);
        clock.advance(Duration.ofSeconds(-10));
        assertThat(decide(CaseState.DOWN, "msg", 0, 0)).isEmpty();
    }

    @Test
    void recovery_then_down_again_is_a_change() {
        decide(CaseState.DOWN);
        decide(CaseState.UP);
        assertThat(decide(CaseState.DOWN)).hasValue("msg");
    }

    @Test
    void concurrent_repeats_of_the_same_down_send_exactly_one_message() throws Exception {
        List<String> sent = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            Thread thread = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                for (int i = 0; i < 500; i++) {
                    decide(CaseState.DOWN).ifPresent(sent::add);
                }
            }, "mcr-test-alert-" + t);
            threads.add(thread);
            thread.start();
        }
        start.countDown();
        for (Thread thread : threads) {
            thread.join(30_000);
        }
        assertThat(sent).containsExactly("msg");
    }

    @Test
    void null_arguments_are_refused() {
        assertThatThrownBy(() -> new AlertPolicy(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> decide(null, "m", 0, 0)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> decide(CaseState.UP, null, 0, 0)).isInstanceOf(NullPointerException.class);
    }
}
