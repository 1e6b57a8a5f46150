package dev.mcr.model;

import dev.mcr.json.StateNormalizer;
import dev.mcr.json.StateTrees;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

class DemoStateTest {

    @Test
    void the_seed_is_exactly_the_original_first_start_state() {
        assertThat(StateTrees.toJson(DemoState.seed()))
                .isEqualTo(StateTrees.parse(StateJsonTest.fixture("original-default-state.json")));
    }

    @Test
    void the_seed_is_already_normalized() {
        AppState seed = DemoState.seed();
        assertThat(StateNormalizer.normalize(seed)).isEqualTo(seed);
    }

    @Test
    void the_ping_demo_repeats_every_five_seconds_until_stopped_and_the_password_demo_runs_once() {
        AppState seed = DemoState.seed();
        Runner password = seed.runner(DemoState.PASSWORD_RUNNER_ID).orElseThrow();
        Runner ping = seed.runner(DemoState.PING_RUNNER_ID).orElseThrow();
        assertThat(password.timing().maxRuns()).isEqualTo(1);
        assertThat(password.timing().schedule().repeats()).isFalse();
        assertThat(ping.timing().unlimited()).isTrue();
        assertThat(((Schedule.FixedDelay) ping.timing().schedule()).intervalSeconds()).isEqualTo(5);
    }

    @Test
    void the_password_demo_prints_a_line_that_one_of_its_two_cases_matches() throws IOException, InterruptedException {
        Runner password = DemoState.seed().runner(DemoState.PASSWORD_RUNNER_ID).orElseThrow();
        Process p = new ProcessBuilder("bash", "-c", password.execution().command()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();

        // the first pattern in Java syntax: (?P<pw>…) is (?<pw>…)
        String first = password.cases().get(0).pattern().replace("(?P<", "(?<");
        boolean matchesFirst = Pattern.compile(first).matcher(out).find();
        boolean matchesSecond = Pattern.compile(password.cases().get(1).pattern()).matcher(out).find();
        assertThat(matchesFirst ^ matchesSecond).as("exactly one case matches %s", out).isTrue();
    }
}
