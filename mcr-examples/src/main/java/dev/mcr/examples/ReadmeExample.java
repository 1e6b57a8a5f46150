package dev.mcr.examples;

import dev.mcr.Mcr;
import dev.mcr.RunHandle;
import dev.mcr.RunResult;
import dev.mcr.event.OutputLine;
import dev.mcr.model.CaseState;
import dev.mcr.model.Runner;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** The snippet shown in README.md ("Use as a library"); a test keeps both identical. */
public final class ReadmeExample {

    private ReadmeExample() {
    }

    /**
     * Runs the snippet.
     *
     * @param dataDir data folder
     * @return whether the run succeeded
     * @throws Exception when it did not end within ten seconds, or when interrupted
     */
    public static boolean run(Path dataDir) throws Exception {
        // README:begin
        try (Mcr mcr = Mcr.builder().dataDir(dataDir).build()) {
            Runner disk = Runner.builder("disk-check")
                    .command("df -P / | awk 'NR==2 {print \"root at \" $5}'")
                    .every(Duration.ofMinutes(5)).unlimitedRuns()
                    .onMatch("root at (?P<pct>9[0-9])%", CaseState.WARN, "Disk almost full: {pct}%")
                    .onMatch("root at (?P<pct>[0-8]?[0-9])%", CaseState.UP, "Disk fine: {pct}%")
                    .build();
            mcr.saveRunner(disk);
            mcr.subscribe(event -> {
                if (event instanceof OutputLine line) {
                    System.out.print(line.text());
                }
            });
            RunHandle run = mcr.start(disk.id());
            RunResult result = run.result().toCompletableFuture().get(10, TimeUnit.SECONDS);
            return result.succeeded();
        }
        // README:end
    }

    /**
     * Entry point.
     *
     * @param args optional data folder
     * @throws Exception when the run did not end within ten seconds, or when interrupted
     */
    public static void main(String[] args) throws Exception {
        System.out.println(run(Path.of(args.length > 0 ? args[0] : "data-example")) ? "succeeded" : "failed");
    }
}
