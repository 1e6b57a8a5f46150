package dev.mcr.examples;

import dev.mcr.Mcr;
import dev.mcr.event.OutputLine;
import dev.mcr.event.RunFinished;
import dev.mcr.model.CaseState;
import dev.mcr.model.Runner;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** The snippet shown in README.md ("Use as a library"); a test keeps both identical. */
public final class ReadmeExample {

    private ReadmeExample() {
    }

    /**
     * Runs the snippet.
     *
     * @param dataDir data folder
     * @return whether the run finished within ten seconds
     * @throws InterruptedException when interrupted
     */
    public static boolean run(Path dataDir) throws InterruptedException {
        // README:begin
        try (Mcr mcr = Mcr.builder().dataDir(dataDir).build()) {
            Runner disk = Runner.builder("disk-check")
                    .command("df -P / | awk 'NR==2 {print \"root at \" $5}'")
                    .every(Duration.ofMinutes(5)).unlimitedRuns()
                    .onMatch("root at (?P<pct>9[0-9])%", CaseState.WARN, "Disk almost full: {pct}%")
                    .onMatch("root at (?P<pct>[0-8]?[0-9])%", CaseState.UP, "Disk fine: {pct}%")
                    .build();
            mcr.saveRunner(disk);
            CountDownLatch finished = new CountDownLatch(1);
            mcr.subscribe(event -> {
                if (event instanceof OutputLine line) {
                    System.out.print(line.text());
                } else if (event instanceof RunFinished done) {
                    finished.countDown();
                }
            });
            mcr.start(disk.id());
            return finished.await(10, TimeUnit.SECONDS);
        }
        // README:end
    }

    /**
     * Entry point.
     *
     * @param args optional data folder
     * @throws InterruptedException when interrupted
     */
    public static void main(String[] args) throws InterruptedException {
        System.out.println(run(Path.of(args.length > 0 ? args[0] : "data-example")) ? "finished" : "timed out");
    }
}
