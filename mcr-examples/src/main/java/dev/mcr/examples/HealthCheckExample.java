package dev.mcr.examples;

import dev.mcr.Mcr;
import dev.mcr.event.RunFinished;
import dev.mcr.model.CaseState;
import dev.mcr.model.Runner;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A health check with UP/DOWN cases: the service answers, fails once, then recovers. The alert
 * policy sends the first state, the change to DOWN, and a {@code RECOVERY:} message.
 */
public final class HealthCheckExample {

    private HealthCheckExample() {
    }

    /**
     * Runs the example.
     *
     * @param dataDir data folder
     * @param out     where progress is printed
     * @return the notifications that were sent
     * @throws Exception when interrupted or the runs take too long
     */
    public static List<String> run(Path dataDir, PrintStream out) throws Exception {
        Path probe = dataDir.resolve("probe-count");
        // stands in for "curl -fsS https://service/health": answers, fails once, answers again
        String check = "n=$(cat " + probe + " 2>/dev/null || echo 0); echo $((n+1)) > " + probe + "; "
                + "if [ $n -eq 1 ]; then echo 'health: DOWN'; else echo 'health: UP'; fi";
        ConsoleNotifier console = new ConsoleNotifier(out);
        try (Mcr mcr = Mcr.builder().dataDir(dataDir).seedDemo(false).notifier(console).build()) {
            mcr.saveProfile(ConsoleNotifier.profile("console", "Console"));
            Runner health = mcr.saveRunner(Runner.builder("web-health")
                    .name("Web health")
                    .command(check)
                    .every(Duration.ofSeconds(1)).runs(3)
                    .onMatch("health: UP", CaseState.UP, "web is up")
                    .onMatch("health: DOWN", CaseState.DOWN, "web is DOWN")
                    .notify("console")
                    .build());
            CountDownLatch done = new CountDownLatch(3);
            mcr.subscribe(e -> {
                if (e instanceof RunFinished f && f.runnerId().equals(health.id())) {
                    done.countDown();
                }
            });
            mcr.start(health.id());
            if (!done.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("The health check did not finish three runs in 30 s.");
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (console.sent().size() < 3 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            return console.sent();
        }
    }

    /**
     * Entry point.
     *
     * @param args optional data folder
     * @throws Exception on failure
     */
    public static void main(String[] args) throws Exception {
        Path dir = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("mcr-health");
        run(dir, System.out).forEach(m -> System.out.println("sent: " + m));
    }
}
