package dev.mcr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mcr.crypto.LogCapture;
import dev.mcr.event.RunFinished;
import dev.mcr.event.Subscription;
import dev.mcr.model.Runner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real modes of the data folder and of every file mcr writes, after real starts, runs and log writes. */
class DataFolderPermissionsTest {

    @TempDir
    Path dir;
    Path data;

    @BeforeEach
    void posixOnly() throws IOException {
        assumeTrue(Files.getFileStore(dir).supportsFileAttributeView("posix"), "POSIX permissions only");
        data = dir.resolve("data");
    }

    private static String mode(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
    }

    private static void chmod(Path p, String mode) throws IOException {
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(mode));
    }

    private Mcr open() {
        return Mcr.builder().dataDir(data).seedDemo(false).shell(List.of("setsid", "bash", "-c")).maxLogBytes(4096)
                .build();
    }

    /** Runs a runner that prints about 3 KB, so that the second run rotates its log, and waits for the end. */
    private static void runOnce(Mcr mcr, String runnerId) {
        try (Subscription sub = mcr.openSubscription()) {
            mcr.start(runnerId);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < deadline) {
                if (sub.poll(Duration.ofMillis(50)) instanceof RunFinished f && f.runnerId().equals(runnerId)) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        throw new AssertionError("The run of " + runnerId + " did not finish.");
    }

    private List<String> entries() throws IOException {
        try (Stream<Path> files = Files.list(data)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void a_new_data_folder_is_0700_and_every_file_mcr_writes_there_is_0600() throws Exception {
        try (Mcr mcr = open()) {
            mcr.saveRunner(Runner.builder("runner_p").command("seq 1 700").build());
            runOnce(mcr, "runner_p");
            runOnce(mcr, "runner_p");

            assertThat(entries()).contains("app.db", "app.db-wal", "app.db-shm", ".credentials.key", ".tmp",
                    "run_runner_p.log", "run_runner_p.log.1");
            assertThat(mode(data)).isEqualTo("rwx------");
            assertThat(mode(data.resolve(".tmp"))).isEqualTo("rwx------");
            // The run history's output files, one per run, in a folder of their own.
            Path runs = data.resolve(dev.mcr.files.RunOutputs.DIR_NAME);
            assertThat(mode(runs)).isEqualTo("rwx------");
            List<Path> outputs;
            try (Stream<Path> files = Files.list(runs)) {
                outputs = files.toList();
            }
            assertThat(outputs).hasSize(2);
            for (Path f : outputs) {
                assertThat(mode(f)).as(f.toString()).isEqualTo("rw-------");
            }
            for (String name : entries()) {
                if (!name.equals(".tmp") && !name.equals(dev.mcr.files.RunOutputs.DIR_NAME)) {
                    assertThat(mode(data.resolve(name))).as(name).isEqualTo("rw-------");
                }
            }
            mcr.clearLog("runner_p");
            assertThat(mode(data.resolve("run_runner_p.log"))).isEqualTo("rw-------");
        }
    }

    @Test
    void an_existing_open_folder_and_the_files_mcr_owns_in_it_are_made_private_at_start_with_one_info_line()
            throws Exception {
        try (Mcr mcr = open()) {
            mcr.saveRunner(Runner.builder("runner_p").command("seq 1 700").build());
        }
        // As an older version or the original tool would have left it, next to a file that is not mcr's.
        Files.writeString(data.resolve("run_runner_p.log"), "old\n");
        Files.writeString(data.resolve("run_runner_p.log.3"), "older\n");
        Files.writeString(data.resolve("app.db.corrupt-state-20260101T000000Z.json"), "{broken");
        Files.writeString(data.resolve("notes.txt"), "the operator's own file");
        chmod(data, "rwxr-xr-x");
        chmod(data.resolve(".tmp"), "rwxrwxrwx");
        try (Stream<Path> files = Files.list(data)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                chmod(f, "rw-r--r--");
            }
        }

        String log = LogCapture.during(() -> {
            try (Mcr mcr = open()) {
                runOnce(mcr, "runner_p");
            }
        });

        assertThat(mode(data)).isEqualTo("rwx------");
        assertThat(mode(data.resolve(".tmp"))).isEqualTo("rwx------");
        for (String name : List.of("app.db", ".credentials.key", "run_runner_p.log", "run_runner_p.log.3",
                "app.db.corrupt-state-20260101T000000Z.json")) {
            assertThat(mode(data.resolve(name))).as(name).isEqualTo("rw-------");
        }
        assertThat(mode(data.resolve("notes.txt"))).isEqualTo("rw-r--r--");
        List<String> lines = log.lines().filter(l -> l.contains("private to its owner")).toList();
        assertThat(lines).hasSize(1);
        assertThat(lines.get(0)).contains("INFO", data.toString(), "the folder rwxr-xr-x -> rwx------",
                ".tmp rwxrwxrwx -> rwx------", "rw-r--r-- -> rw-------").doesNotContain("notes.txt");

        String again = LogCapture.during(() -> open().close());
        assertThat(again).doesNotContain("private to its owner");
    }

    @Test
    void making_files_private_only_removes_permissions_and_never_adds_any() throws Exception {
        Files.createDirectories(data);
        Files.writeString(data.resolve("run_runner_q.log"), "x\n");
        chmod(data.resolve("run_runner_q.log"), "r--r--r--");
        try (Mcr mcr = open()) {
            assertThat(mcr.state().runners()).isEmpty();
        }
        assertThat(mode(data.resolve("run_runner_q.log"))).isEqualTo("r--------");
    }
}
