package dev.mcr.examples;

import dev.mcr.Mcr;
import dev.mcr.event.McrEvent;
import dev.mcr.event.OutputLine;
import dev.mcr.event.RunFinished;
import dev.mcr.model.Runner;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A cron job with a timeout and retries: every 2 seconds (6 fields, seconds first) a flaky sync runs in its own
 * directory with its own variables; its first attempt fails, the retry one second later succeeds. A second job hangs
 * and is stopped by its timeout. Nothing is started by hand: cron runners are armed when saved.
 */
public final class CronRetryExample {

    private CronRetryExample() {
    }

    /** What the example saw. */
    public record Result(List<RunFinished> syncAttempts, RunFinished hang, List<String> syncOutput) {
    }

    /**
     * Runs the example.
     *
     * @param dataDir data folder
     * @param out     where progress is printed
     * @return the attempts of the first sync, the end of the hanging job and the sync's output
     * @throws Exception when interrupted or the runs do not end in time
     */
    public static Result run(Path dataDir, PrintStream out) throws Exception {
        Path work = Files.createDirectories(dataDir.resolve("sync"));
        try (Mcr mcr = Mcr.builder().dataDir(dataDir).seedDemo(false).build()) {
            List<RunFinished> sync = new CopyOnWriteArrayList<>();
            List<String> lines = new CopyOnWriteArrayList<>();
            CompletableFuture<Void> synced = new CompletableFuture<>();
            CompletableFuture<RunFinished> hang = new CompletableFuture<>();
            mcr.subscribe((McrEvent e) -> {
                if (e instanceof RunFinished f && f.runnerId().equals("sync")) {
                    sync.add(f);
                    if (f.exitCode() == 0) {
                        synced.complete(null);
                    }
                } else if (e instanceof RunFinished f && f.runnerId().equals("hang")) {
                    hang.complete(f);
                } else if (e instanceof OutputLine l && l.runnerId().equals("sync")) {
                    lines.add(l.text().strip());
                }
            });
            // in real life: cron("0 3 * * *", ZoneId.of("Europe/Berlin")), every night at 03:00 Berlin time
            mcr.saveRunner(Runner.builder("sync")
                    .command("if [ -e .tried ]; then echo \"synced to $TARGET\"; else touch .tried; "
                            + "echo 'remote busy'; exit 1; fi")
                    .cron("*/2 * * * * *", ZoneId.of("Europe/Berlin"))
                    .workingDirectory(work).env("TARGET", "backup-host").secretEnv("SYNC_TOKEN", "t0ps3cret")
                    .retries(2, Duration.ofSeconds(1), 2.0)
                    .shell(Runner.Execution.BASH)
                    .build());
            mcr.saveRunner(Runner.builder("hang").command("echo waiting; sleep 1000")
                    .cron("*/2 * * * * *", null).timeout(Duration.ofSeconds(1)).build());
            synced.get(30, TimeUnit.SECONDS);
            RunFinished h = hang.get(30, TimeUnit.SECONDS);
            for (RunFinished f : sync) {
                out.println("sync attempt " + f.attempt() + " exited " + f.exitCode());
            }
            out.println("hang timed out: " + h.timedOut());
            return new Result(List.copyOf(sync), h, List.copyOf(lines));
        }
    }

    /**
     * Entry point.
     *
     * @param args optional data folder
     * @throws Exception on failure
     */
    public static void main(String[] args) throws Exception {
        Path dir = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("mcr-cron");
        run(dir, System.out);
    }
}
