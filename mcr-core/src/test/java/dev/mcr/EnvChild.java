package dev.mcr;

import dev.mcr.event.RunFinished;
import dev.mcr.event.Subscription;
import dev.mcr.model.Runner;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Child JVM of {@link McrEnvironmentTest}: opens an {@link Mcr} that hides {@code APP_DB_PASSWORD}, runs
 * {@link #RUNNER} ({@code env}, then {@code env} in a grandchild) once and exits 0 when the run finished; the run's
 * output is in its log file.
 */
public final class EnvChild {

    /** The runner whose log holds the two environment listings. */
    static final String RUNNER = "runner_env";

    private EnvChild() {
    }

    /**
     * Runs the runner once.
     *
     * @param args the data folder
     * @throws Exception on any failure (the child then exits non-zero)
     */
    public static void main(String[] args) throws Exception {
        try (Mcr mcr = Mcr.builder().dataDir(Path.of(args[0])).seedDemo(false).shell(List.of("setsid", "bash", "-c"))
                .hideEnvironment(List.of("APP_DB_PASSWORD")).build();
             Subscription sub = mcr.openSubscription()) {
            mcr.saveRunner(Runner.builder(RUNNER).command("env; echo ---; bash -c env").build());
            mcr.start(RUNNER);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < deadline) {
                if (sub.poll(Duration.ofMillis(100)) instanceof RunFinished f && f.runnerId().equals(RUNNER)) {
                    return;
                }
            }
            throw new IllegalStateException("The runner did not finish within 30 s.");
        }
    }
}
