package dev.mcr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcr.model.CaseState;
import dev.mcr.model.NotifyProfile;
import dev.mcr.model.Runner;
import dev.mcr.model.Schedule;
import dev.mcr.model.StateJson;
import dev.mcr.model.RunnerGroup;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fluent builders of the library API validate at build() with sentences that say what to do. */
class BuildersTest {

    @Test
    void a_runner_builder_sets_every_setting() {
        Runner r = Runner.builder("nas-ping").name("NAS").command("ping -c1 nas")
                .every(Duration.ofMinutes(90).plusSeconds(5)).unlimitedRuns()
                .alertCooldown(Duration.ofMinutes(1)).alertEscalation(Duration.ZERO).pauseAfterFailures(0)
                .logging(false).onMatch("UP", CaseState.UP, "up").lastLineCase()
                .notifyUpdatesOnly("notify_a").build();
        assertThat(r.timing().schedule()).isEqualTo(new Schedule.FixedDelay(1, 30, 5));
        assertThat(r.timing().maxRuns()).isEqualTo(Runner.Timing.UNLIMITED_RUNS);
        assertThat(r.alerting().cooldown()).isEqualTo(Duration.ofSeconds(60));
        assertThat(r.alerting().escalation()).isZero();
        assertThat(r.alerting().failurePauseThreshold()).isZero();
        assertThat(r.execution().loggingEnabled()).isFalse();
        assertThat(r.cases()).hasSize(2);
        assertThat(r.cases().get(1).isLastLineCase()).isTrue();
        assertThat(r.targets().profileIds()).containsExactly("notify_a");
        assertThat(r.targets().isUpdatesOnly("notify_a")).isTrue();
    }

    @Test
    void to_builder_copies_every_part_so_a_changed_copy_differs_only_in_what_was_changed() {
        Runner stored = StateJson.read("{\"runners\":[{\"id\":\"r\",\"name\":\"R\",\"command\":\"\","
                + "\"schedule\":{\"minutes\":90,\"calendar\":\"0 * * * *\"},\"max_runs\":-1,\"alert_cooldown_s\":7,"
                + "\"cases\":[{\"id\":\"c1\",\"pattern\":\"x\",\"message_template\":\"y\",\"note\":1}],"
                + "\"nice_level\":30}]}").runners().get(0);

        Runner same = stored.toBuilder().build();
        Runner quieter = stored.toBuilder().alertCooldown(Duration.ofMinutes(30)).build();

        assertThat(same).isEqualTo(stored);
        assertThat(quieter.alerting().cooldown()).isEqualTo(Duration.ofMinutes(30));
        assertThat(quieter.toBuilder().alertCooldown(Duration.ofSeconds(7)).build()).isEqualTo(stored);
        assertThat(quieter.cases()).isEqualTo(stored.cases());
        assertThat(quieter.timing().schedule().extra()).containsEntry("calendar", "0 * * * *");
        assertThat(quieter.extra()).containsEntry("nice_level", 30);
    }

    @Test
    void a_fixed_delay_schedule_is_due_its_interval_after_the_end_of_a_run_and_none_never_repeats() {
        Instant end = Instant.parse("2026-03-11T12:00:00Z");
        assertThat(Schedule.every(Duration.ofMinutes(90)).nextRun(end)).hasValue(end.plusSeconds(5400));
        assertThat(new Schedule.FixedDelay(0, 90, 0).nextRun(end)).hasValue(end.plusSeconds(5400));
        assertThat(Schedule.NONE.nextRun(end)).isEmpty();
        assertThat(Schedule.NONE.repeats()).isFalse();
        assertThat(Schedule.every(Duration.ofMillis(999)).repeats()).isFalse();
    }

    @Test
    void a_runner_builder_rejects_bad_settings_with_a_sentence() {
        assertThatThrownBy(() -> Runner.builder("x").build()).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Runner 'x' needs a command; call command(\"...\").");
        assertThatThrownBy(() -> Runner.builder("../etc").command("true").build())
                .hasMessageContaining("is invalid; use 1 to 120 characters");
        assertThatThrownBy(() -> Runner.builder("x").command("true").runs(101).build())
                .hasMessageContaining("between 1 and 100");
        assertThatThrownBy(() -> Runner.builder("x").command("true").onMatch("", CaseState.UP, "t"))
                .hasMessageContaining("use lastLineCase()");
        assertThatThrownBy(() -> Runner.builder("x").command("true").every(Duration.ofSeconds(-1)))
                .hasMessageContaining("must not be negative");
    }

    @Test
    void group_and_profile_builders_validate() {
        RunnerGroup g = RunnerGroup.builder("pipe").name("Pipe").runners("a", "b").disabledRunner("c").build();
        assertThat(g.runnerIds()).containsExactly("a", "b", "c");
        assertThat(g.activeRunnerIds()).containsExactly("a", "b");
        assertThatThrownBy(() -> RunnerGroup.builder("pipe").build()).hasMessageContaining("needs at least one runner");
        assertThatThrownBy(() -> RunnerGroup.builder("pipe").runners("a", "a"))
                .hasMessageContaining("already a member");

        NotifyProfile p = NotifyProfile.builder("phone").name("Phone").pushover("u1234", "t1234").build();
        assertThat(p.type()).isEqualTo("pushover");
        assertThat(p.configValue(NotifyProfile.API_TOKEN)).isEqualTo("t1234");
        assertThatThrownBy(() -> NotifyProfile.builder("phone").build())
                .hasMessageContaining("needs a user key and an API token");
        assertThatThrownBy(() -> NotifyProfile.builder("x").type("Web Hook").build())
                .hasMessageContaining("is invalid; use lower-case letters");
        NotifyProfile hook = NotifyProfile.builder("hook").type("webhook").config("url", "http://h").build();
        assertThat(hook.type()).isEqualTo("webhook");
    }

    @Test
    void the_facade_builder_rejects_bad_settings() {
        assertThatThrownBy(() -> Mcr.builder().shell(List.of()).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("shell must name a program");
        assertThatThrownBy(() -> Mcr.builder().maxOutputLines(0).build())
                .hasMessage("maxOutputLines must be at least 1.");
        assertThatThrownBy(() -> Mcr.builder().pushoverUrl(java.net.URI.create("ftp://x")).build())
                .hasMessage("pushoverUrl must be an http or https URL.");
        assertThatThrownBy(() -> Mcr.builder().hideEnvironment(List.of("OK_NAME", "A=B")).build())
                .hasMessage("hideEnvironment needs variable names that are not empty and contain no '=' or NUL "
                        + "character.");
        assertThatThrownBy(() -> Mcr.builder().hideEnvironment(List.of("")).build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Mcr.builder().maxLogBytes(4095).build())
                .hasMessage("maxLogBytes must be at least 4096 (4 KiB), not 4095; the default is 10485760 (10 MiB).");
        assertThatThrownBy(() -> Mcr.builder().maxLogFiles(-1).build())
                .hasMessage("maxLogFiles must be between 0 and 1000, not -1; the default is 5.");
        assertThatThrownBy(() -> Mcr.builder().maxLogFiles(1001).build())
                .hasMessageContaining("maxLogFiles must be between 0 and 1000");
    }

    @Test
    void saving_a_group_moves_its_runners_out_of_other_groups_and_removing_a_runner_ungroups_it(@TempDir Path dir) {
        try (Mcr mcr = Mcr.builder().dataDir(dir).seedDemo(false).build()) {
            for (String id : List.of("a", "b", "c")) {
                mcr.saveRunner(Runner.builder(id).command("true").build());
            }
            mcr.saveGroup(RunnerGroup.builder("g1").runners("a", "b").build());
            mcr.saveGroup(RunnerGroup.builder("g2").runners("b", "c").build());
            assertThat(mcr.state().group("g1").orElseThrow().runnerIds()).containsExactly("a");
            assertThat(mcr.state().group("g2").orElseThrow().runnerIds()).containsExactly("b", "c");
            assertThat(mcr.removeRunner("c")).isTrue();
            assertThat(mcr.removeRunner("c")).isFalse();
            assertThat(mcr.state().group("g2").orElseThrow().runnerIds()).containsExactly("b");
            assertThat(mcr.state().runnerLayout()).extracting(i -> i.id()).containsExactly("g1", "g2");
        }
    }
}
