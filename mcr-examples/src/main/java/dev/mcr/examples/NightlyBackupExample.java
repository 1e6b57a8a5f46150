package dev.mcr.examples;

import dev.mcr.Mcr;
import dev.mcr.event.RunPaused;
import dev.mcr.model.Runner;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A backup job that keeps failing (its target is missing) and is paused automatically after two
 * failures in a row instead of failing forever. The last output line of every run is its message.
 */
public final class NightlyBackupExample {

    private NightlyBackupExample() {
    }

    /**
     * Runs the example.
     *
     * @param dataDir data folder
     * @param out     where progress is printed
     * @return the pause event
     * @throws Exception when interrupted or the runner is not paused in time
     */
    public static RunPaused run(Path dataDir, PrintStream out) throws Exception {
        Path source = Files.createDirectories(dataDir.resolve("documents"));
        Files.writeString(source.resolve("notes.txt"), "keep me");
        Path target = dataDir.resolve("missing-backup-disk");
        try (Mcr mcr = Mcr.builder().dataDir(dataDir).seedDemo(false).build()) {
            // in real life: every(Duration.ofHours(24)); one second keeps the example short
            Runner backup = mcr.saveRunner(Runner.builder("nightly-backup")
                    .name("Nightly backup")
                    .command("tar -czf " + target + "/docs.tgz -C " + source + " . && echo 'backup ok'")
                    .every(Duration.ofSeconds(1)).unlimitedRuns()
                    .pauseAfterFailures(2)
                    .lastLineCase()
                    .build());
            CompletableFuture<RunPaused> paused = new CompletableFuture<>();
            mcr.subscribe(e -> {
                if (e instanceof RunPaused p) {
                    paused.complete(p);
                }
            });
            mcr.start(backup.id());
            RunPaused p = paused.get(30, TimeUnit.SECONDS);
            out.println("paused after " + p.consecutiveFailures() + " failures; last message: "
                    + mcr.status().get(backup.id()).lastCase());
            return p;
        }
    }

    /**
     * Entry point.
     *
     * @param args optional data folder
     * @throws Exception on failure
     */
    public static void main(String[] args) throws Exception {
        Path dir = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("mcr-backup");
        run(dir, System.out);
    }
}
