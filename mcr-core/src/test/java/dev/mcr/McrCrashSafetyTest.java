package dev.mcr;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcr.crypto.LogCapture;
import dev.mcr.event.LeftoverProcessesKilled;
import dev.mcr.files.RunOutputs;
import dev.mcr.store.RunQuery;
import dev.mcr.store.RunRecord;
import dev.mcr.model.Runner;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a real JVM running mcr with SIGKILL while a runner runs and saves are in flight, then starts mcr again
 * on the same data folder.
 */
class McrCrashSafetyTest {

    private static final String SLEEPER_MARKER = "MCR_RUNNER_ID=" + CrashChild.SLEEPER;

    @TempDir
    Path dir;
    private Process child;

    @AfterEach
    void cleanUp() throws Exception {
        if (child != null) {
            child.destroyForcibly();
            child.waitFor(30, TimeUnit.SECONDS);
        }
        // Whatever the outcome, leave no sleeper behind on the build machine.
        for (long pid : Procs.withEnvMarker(SLEEPER_MARKER)) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    @Test
    @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void a_killed_instance_loses_no_acknowledged_save_or_last_case_and_its_runs_are_killed_at_the_next_start()
            throws Exception {
        Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
        Path data = dir.resolve("data");
        child = new ProcessBuilder(java.toString(), "-Xmx128m", "-cp", System.getProperty("java.class.path"),
                CrashChild.class.getName(), data.toString())
                .redirectError(dir.resolve("child.err").toFile()).start();
        long lastAck = 0;
        String lastCase = null;
        boolean started = false;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while (lastAck < 50 && (line = out.readLine()) != null) {
                if (line.startsWith("LASTCASE ")) {
                    lastCase = line.substring("LASTCASE ".length());
                } else if (line.startsWith("STARTED ")) {
                    started = true;
                } else if (line.startsWith("ACK ")) {
                    lastAck = Long.parseLong(line.substring(4).trim());
                }
            }
            assertThat(lastAck).as("acknowledged saves; child stderr:%n%s", childErr()).isGreaterThanOrEqualTo(50);
            assertThat(started).isTrue();
            assertThat(lastCase).isEqualTo("greeting world");
            List<Long> found = Procs.withEnvMarker(SLEEPER_MARKER);
            for (long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                 found.size() < 3 && System.nanoTime() < deadline; found = Procs.withEnvMarker(SLEEPER_MARKER)) {
                Thread.sleep(20);
            }
            List<Long> sleepers = found;
            assertThat(sleepers).as("the sleeper's shell (exec'd into its last sleep), a background sleep and an escaped grandchild").hasSizeGreaterThanOrEqualTo(3);

            // Another instance on the same folder while the first one lives must not touch its runs.
            String sleeperRun;
            try (Mcr bystander = Mcr.builder().dataDir(data).seedDemo(false).build()) {
                assertThat(bystander.leftoversKilledAtStart()).isEmpty();
                RunRecord open = bystander.runs(RunQuery.newest(10).runner(CrashChild.SLEEPER)).items().get(0);
                assertThat(open.outcome()).as("the living instance's run is not lost").isEqualTo(RunRecord.RUNNING);
                sleeperRun = open.runId();
            }
            Path sleeperOutput = data.resolve(RunOutputs.DIR_NAME).resolve(sleeperRun + ".out");
            for (long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20); System.nanoTime() < deadline
                    && !(Files.exists(sleeperOutput) && Files.size(sleeperOutput) > 0); ) {
                Thread.sleep(20);
            }
            assertThat(Procs.withEnvMarker(SLEEPER_MARKER)).containsAll(sleepers);

            // SIGKILL while the child is in the middle of its save loop: no shutdown hook, no close().
            // kill(1) rather than destroyForcibly(), which would also close our end of its output.
            assertThat(new ProcessBuilder("kill", "-KILL", Long.toString(child.pid())).start().waitFor()).isZero();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
            // An ACK the child printed after we stopped reading still counts.
            while ((line = out.readLine()) != null) {
                if (line.startsWith("ACK ")) {
                    lastAck = Long.parseLong(line.substring(4).trim());
                }
            }
            assertThat(Procs.withEnvMarker(SLEEPER_MARKER)).as("runs outlive the killed JVM").containsAll(sleepers);

            AtomicReference<Mcr> restarted = new AtomicReference<>();
            String log = LogCapture.during(() -> restarted.set(Mcr.builder().dataDir(data).seedDemo(false).build()));
            try (Mcr mcr = restarted.get()) {
                Runner counter = mcr.state().runner(CrashChild.COUNTER).orElseThrow();
                long saved = Long.parseLong(counter.name().substring("save-".length()));
                assertThat(saved).as("the newest acknowledged save or a newer one").isBetween(lastAck, lastAck + 1);
                assertThat(mcr.status().get(CrashChild.LAST_CASE_RUNNER).lastCase()).isEqualTo("greeting world");

                assertThat(mcr.leftoversKilledAtStart()).singleElement().satisfies(report -> {
                    assertThat(report.runnerId()).isEqualTo(CrashChild.SLEEPER);
                    assertThat(report.pids()).containsAll(sleepers);
                });
                assertThat(Procs.awaitGone(SLEEPER_MARKER, 5000)).isEmpty();
                RunRecord lost = mcr.run(sleeperRun).orElseThrow();
                assertThat(lost.outcome()).as("the killed server's open run is closed").isEqualTo(RunRecord.LOST);
                assertThat(lost.finishedTs()).isAfter(lost.startedTs());
                assertThat(lost.exitCode()).isNull();
                assertThat(lost.outputLines()).isEqualTo(1);
                try (LogContent output = mcr.runOutput(sleeperRun, 0)) {
                    assertThat(new String(output.stream().readAllBytes(), StandardCharsets.UTF_8))
                            .as("the output written before the kill is kept").isEqualTo("started\n");
                }
                assertThat(mcr.runs(RunQuery.newest(10).runner(CrashChild.LAST_CASE_RUNNER)).items()).singleElement()
                        .satisfies(r -> assertThat(r.outcome()).isEqualTo(RunRecord.SUCCESS));
                LeftoverProcessesKilled report = mcr.leftoversKilledAtStart().get(0);
                assertThat(log.lines().filter(l -> l.contains("WARN") && l.contains(CrashChild.SLEEPER)))
                        .singleElement().satisfies(l -> {
                            for (long pid : report.pids()) {
                                assertThat(l).contains(Long.toString(pid));
                            }
                        });
            }
            try (Mcr again = Mcr.builder().dataDir(data).seedDemo(false).build()) {
                assertThat(again.leftoversKilledAtStart()).as("the killed runs were forgotten").isEmpty();
            }
        }
    }

    private String childErr() {
        try {
            return Files.readString(dir.resolve("child.err"));
        } catch (Exception e) {
            return "(unreadable: " + e + ")";
        }
    }

}
