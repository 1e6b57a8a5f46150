package dev.mcr;

import dev.mcr.event.RunFinished;
import dev.mcr.event.Subscription;
import dev.mcr.model.CaseState;
import dev.mcr.model.Runner;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Child JVM of {@link McrCrashSafetyTest}: opens an {@link Mcr} on a data folder, makes a case match (so a
 * {@code last_case} is persisted), starts a long runner with a background job and an escaped grandchild, then
 * saves ever new states as fast as it can. It prints one line per fact the test relies on, only after the fact
 * is acknowledged by mcr: {@code LASTCASE <message>}, {@code STARTED <runner id>}, {@code ACK <n>} after the
 * save of {@code save-<n>} returned. It runs until it is killed.
 */
public final class CrashChild {

    /** Id of the runner whose case match is persisted. */
    static final String LAST_CASE_RUNNER = "runner_lastcase";
    /** Id of the long runner left behind by the kill. */
    static final String SLEEPER = "runner_sleeper";
    /** Id of the runner whose name carries the save counter. */
    static final String COUNTER = "runner_counter";

    private CrashChild() {
    }

    /**
     * Runs until killed.
     *
     * @param args the data folder
     * @throws Exception on any failure (the test then sees the child end early)
     */
    public static void main(String[] args) throws Exception {
        Mcr mcr = Mcr.builder().dataDir(Path.of(args[0])).seedDemo(false).shell(List.of("setsid", "bash", "-c"))
                .build();
        try (Subscription sub = mcr.openSubscription()) {
            mcr.saveRunner(Runner.builder(LAST_CASE_RUNNER).name("greeter").command("echo hello world")
                    .onMatch("hello (\\w+)", CaseState.INFO, "greeting {g1}").build());
            mcr.start(LAST_CASE_RUNNER);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            boolean finished = false;
            while (!finished && System.nanoTime() < deadline) {
                if (sub.poll(Duration.ofMillis(100)) instanceof RunFinished f && f.runnerId().equals(LAST_CASE_RUNNER)) {
                    finished = true;
                }
            }
            if (!finished) {
                throw new IllegalStateException("The last-case runner did not finish.");
            }
        }
        System.out.println("LASTCASE " + mcr.status().get(LAST_CASE_RUNNER).lastCase());
        mcr.saveRunner(Runner.builder(SLEEPER).name("sleeper")
                .command("sleep 600 & (setsid sleep 601 </dev/null >/dev/null 2>&1 &); echo started; sleep 602")
                .build());
        mcr.start(SLEEPER);
        System.out.println("STARTED " + SLEEPER);
        for (long seq = 1; ; seq++) {
            mcr.saveRunner(Runner.builder(COUNTER).name("save-" + seq).command("true").build());
            System.out.println("ACK " + seq);
        }
    }
}
