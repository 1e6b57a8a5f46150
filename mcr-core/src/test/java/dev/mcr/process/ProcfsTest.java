package dev.mcr.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ProcfsTest {

    @Test
    void stat_lines_parse_even_when_the_command_name_holds_spaces_and_parentheses() {
        assertThat(Procfs.parse(42, "42 (a (weird) name) S 1 456 456 0 -1 4194560 100"))
                .hasValue(new Procfs.Stat(42, 'S', 1, 456, 0));
        assertThat(Procfs.parse(7, "7 (sleep) Z 1 7 7 0")).get().matches(s -> !s.live());
        assertThat(Procfs.parse(7, "garbage")).isEmpty();
        assertThat(Procfs.parse(7, "7 (x) S one 2 3")).isEmpty();
        assertThat(Procfs.parse(7, "7 (x)")).isEmpty();
        String full = "9 (bash) S 1 9 9 0 -1 4194560 614 0 0 0 1 0 0 0 20 0 1 0 123456 8216576 850 18446744073709551615";
        assertThat(Procfs.parse(9, full)).get().extracting(Procfs.Stat::startTicks).isEqualTo(123456L);
    }

    @Test
    void the_own_jvm_is_live_and_a_missing_pid_is_not() {
        long self = ProcessHandle.current().pid();
        assertThat(Procfs.isLive(self)).isTrue();
        assertThat(Procfs.pids()).contains(self);
        assertThat(Procfs.isLive(Long.MAX_VALUE)).isFalse();
    }

    @Test
    void a_pipe_read_by_a_group_member_is_not_taken_for_the_output_pipe_and_the_marker_is_found() throws Exception {
        String mark = java.util.UUID.randomUUID().toString();
        String home = System.getenv("HOME");
        try (ShellProcess p = ShellProcess.start(ShellProcess.NON_LOGIN_SHELL,
                "sleep 1000 | cat > /dev/null & echo ready; wait", Map.of("MCR_TEST_MARK", mark), null)) {
            Pumped pumped = new Pumped(p);
            pumped.awaitLine("ready\n", Duration.ofSeconds(10));
            long self = ProcessHandle.current().pid();
            long sleeper = Procs.awaitMember(p.pid(), "sleep", Duration.ofSeconds(10));
            String inner = Procfs.fdTarget(sleeper, 1).orElseThrow();
            String output = Procfs.fdTarget(sleeper, 2).orElseThrow();
            assertThat(inner).startsWith("pipe:").isNotEqualTo(output);
            assertThat(output).isEqualTo(Procfs.fdTarget(p.pid(), 1).orElseThrow());

            assertThat(Procfs.pipesOn(sleeper, 1, 2)).containsExactlyInAnyOrder(inner, output);
            // cat reads the inner pipe; only this JVM reads the output pipe.
            assertThat(Procfs.unread(Set.of(inner, output), self, Procfs.pids())).containsExactly(output);
            assertThat(Procfs.unread(Set.of(output), -1, Procfs.pids())).isEmpty();
            assertThat(Procfs.holders(Set.of(output), self, stat -> true, Procfs.pids())).contains(p.pid(), sleeper)
                    .doesNotContain(self);
            assertThat(Procfs.groupAlive(p.pid())).isTrue();
            assertThat(Procfs.environContains(sleeper, Map.of("MCR_TEST_MARK", mark))).isTrue();
            assertThat(Procfs.environContains(sleeper, Map.of("MCR_TEST_MARK", mark, "HOME", home))).isTrue();
            assertThat(Procfs.environContains(sleeper, Map.of("MCR_TEST_MARK", "other"))).isFalse();
            assertThat(Procfs.environContains(sleeper, Map.of())).as("no marker marks nothing").isFalse();
            assertThat(Procfs.environContains(self, Map.of("MCR_TEST_MARK", mark))).isFalse();
            p.kill();
            assertThat(Procs.await(() -> !Procfs.groupAlive(p.pid()), Duration.ofSeconds(10))).isTrue();
        }
    }

    @Test
    void only_a_process_that_can_write_a_pipe_holds_it_a_reader_does_not() throws Exception {
        try (ShellProcess p = ShellProcess.start(ShellProcess.NON_LOGIN_SHELL,
                "sleep 1000 | sleep 1001 & echo ready; wait", Map.of(), null)) {
            Pumped pumped = new Pumped(p);
            pumped.awaitLine("ready\n", Duration.ofSeconds(10));
            long self = ProcessHandle.current().pid();
            // Both sleeps must have exec'd (either may show first): the writer is the one whose stdout the other reads.
            long[] pair = {-1, -1};
            boolean found = Procs.await(() -> {
                List<Long> sleeps = Procfs.pids().stream()
                        .filter(pid -> Procfs.isLiveInGroup(pid, p.pid()) && "sleep".equals(Procs.comm(pid))).toList();
                for (long w : sleeps) {
                    for (long r : sleeps) {
                        String out = Procfs.fdTarget(w, 1).orElse("");
                        if (w != r && out.startsWith("pipe:") && out.equals(Procfs.fdTarget(r, 0).orElse(""))) {
                            pair[0] = w;
                            pair[1] = r;
                            return true;
                        }
                    }
                }
                return false;
            }, Duration.ofSeconds(10));
            assertThat(found).as("the second sleep reads the inner pipe").isTrue();
            long writer = pair[0];
            String inner = Procfs.fdTarget(writer, 1).orElseThrow();
            // Both hold the pipe (same inode); only the writer keeps a reader of it waiting.
            assertThat(Procfs.holders(Set.of(inner), self, stat -> true, Procfs.pids())).containsExactly(writer);
            p.kill();
            assertThat(Procs.await(() -> !Procfs.groupAlive(p.pid()), Duration.ofSeconds(10))).isTrue();
        }
    }

    @Test
    void pids_since_a_process_was_created_include_every_younger_process_and_no_older_one() throws Exception {
        long since = Procfs.lastPid() + 1;
        assertThat(since).as("ns_last_pid is readable").isGreaterThan(1);
        Process sleeper = new ProcessBuilder("sleep", "30").start();
        try {
            java.util.List<Long> recent = Procfs.pidsSince(since);
            long self = ProcessHandle.current().pid();
            assertThat(recent).contains(sleeper.pid());
            boolean wrapped = sleeper.pid() < since || Procfs.lastPid() < since;
            if (!wrapped) {
                assertThat(recent).as("the JVM is older than the range").doesNotContain(self);
            }
            assertThat(Procfs.pidsSince(Long.MAX_VALUE)).as("a range that cannot be trusted yields every pid")
                    .contains(ProcessHandle.current().pid(), sleeper.pid());
        } finally {
            sleeper.destroyForcibly().waitFor();
        }
    }

    @Test
    void a_thread_of_this_jvm_started_since_is_not_taken_for_a_process() throws Exception {
        java.util.Set<String> before = new java.util.HashSet<>(java.util.Arrays.asList(new java.io.File("/proc/self/task").list()));
        long since = Procfs.lastPid() + 1;
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        Thread t = new Thread(() -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "procfs-test-thread");
        t.start();
        try {
            java.util.Set<String> after = new java.util.HashSet<>(java.util.Arrays.asList(new java.io.File("/proc/self/task").list()));
            after.removeAll(before);
            List<Long> newTids = after.stream().map(Long::parseLong).filter(tid -> tid >= since).toList();
            assertThat(newTids).as("the new thread has its own id in /proc").isNotEmpty();
            List<Long> recent = Procfs.pidsSince(since);
            if (Procfs.lastPid() >= since) {
                assertThat(recent).doesNotContainAnyElementsOf(newTids);
            }
        } finally {
            release.countDown();
            t.join();
        }
    }
}
