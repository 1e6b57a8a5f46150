package dev.mcr.examples;

import dev.mcr.Mcr;
import dev.mcr.event.GroupStatus;
import dev.mcr.model.Runner;
import dev.mcr.model.RunnerGroup;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Three steps that run one after another as a group: fetch, transform, publish. */
public final class GroupPipelineExample {

    private GroupPipelineExample() {
    }

    /**
     * Runs the example.
     *
     * @param dataDir data folder
     * @param out     where progress is printed
     * @return the final group status
     * @throws Exception when interrupted or the pipeline does not end in time
     */
    public static GroupStatus run(Path dataDir, PrintStream out) throws Exception {
        Path work = Files.createDirectories(dataDir.resolve("work"));
        try (Mcr mcr = Mcr.builder().dataDir(dataDir).seedDemo(false).build()) {
            mcr.saveRunner(Runner.builder("fetch").command("seq 1 5 > " + work + "/raw.txt").build());
            mcr.saveRunner(Runner.builder("transform")
                    .command("awk '{s+=$1} END {print s}' " + work + "/raw.txt > " + work + "/sum.txt").build());
            mcr.saveRunner(Runner.builder("publish").command("echo \"sum is $(cat " + work + "/sum.txt)\"").build());
            mcr.saveGroup(RunnerGroup.builder("pipeline").name("Pipeline")
                    .runners("fetch", "transform", "publish").build());

            CompletableFuture<GroupStatus> end = new CompletableFuture<>();
            mcr.subscribe(e -> {
                if (e instanceof GroupStatus g) {
                    out.println("group " + g.status() + " " + g.completedCount() + "/" + g.totalCount()
                            + (g.currentRunnerId().isEmpty() ? "" : " current " + g.currentRunnerId()));
                    if (g.status().equals("finished") || g.status().equals("error")) {
                        end.complete(g);
                    }
                }
            });
            mcr.startGroup("pipeline");
            GroupStatus last = end.get(30, TimeUnit.SECONDS);
            out.println("publish printed: " + mcr.status().get("publish").tail().strip());
            return last;
        }
    }

    /**
     * Entry point.
     *
     * @param args optional data folder
     * @throws Exception on failure
     */
    public static void main(String[] args) throws Exception {
        Path dir = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("mcr-pipeline");
        run(dir, System.out);
    }
}
