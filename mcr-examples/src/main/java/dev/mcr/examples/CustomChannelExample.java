package dev.mcr.examples;

import dev.mcr.Mcr;
import dev.mcr.error.InvalidInputException;
import dev.mcr.model.CaseState;
import dev.mcr.model.NotifyProfile;
import dev.mcr.model.Runner;
import dev.mcr.notify.ConfigField;
import dev.mcr.notify.Notification;
import dev.mcr.notify.Notifier;
import dev.mcr.notify.NotifyException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A custom notification channel with the v2 SPI: it declares its settings (so every save is checked against them and
 * the web UI renders its service card), and each delivery gets the runner, the state, the run and the link to the
 * runner on the page. This one appends a line per message to a file, only for the states it is told to pass.
 */
public final class CustomChannelExample {

    private CustomChannelExample() {
    }

    /** The channel: profile type {@code "logfile"}. */
    public static final class LogFileChannel implements Notifier {
        @Override
        public String type() {
            return "logfile";
        }

        @Override
        public String label() {
            return "Log file";
        }

        @Override
        public List<ConfigField> fields() {
            return List.of(ConfigField.text("file", "File").asRequired(),
                    ConfigField.choice("states", "States", List.of("all", "DOWN")));
        }

        @Override
        public Map<String, Object> send(NotifyProfile profile, Notification n) throws NotifyException {
            if (profile.configValue("states").equals("DOWN") && !n.state().equals("DOWN")) {
                return Map.of("skipped", true);
            }
            String line = n.state() + " " + n.runnerName() + ": " + n.message() + " (run " + n.runId() + ", "
                    + n.linkIfAny().orElse("no link") + ")\n";
            try {
                Files.writeString(Path.of(profile.configValue("file")), line, StandardCharsets.UTF_8,
                        StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            } catch (IOException e) {
                throw new NotifyException("The log file cannot be written: " + e.getMessage());
            }
            return Map.of("written", true);
        }
    }

    /**
     * Runs the example.
     *
     * @param dataDir data folder
     * @param out     where progress is printed
     * @return the lines the channel wrote
     * @throws Exception when interrupted or the delivery takes too long
     */
    public static List<String> run(Path dataDir, PrintStream out) throws Exception {
        Path file = dataDir.resolve("alerts.log");
        try (Mcr mcr = Mcr.builder().dataDir(dataDir).seedDemo(false).publicUrl("https://mcr.example.org/")
                .notifier(new LogFileChannel()).build()) {
            try {
                mcr.saveProfile(NotifyProfile.builder("alerts").name("Alerts").type("logfile").build());
            } catch (InvalidInputException e) {
                out.println("refused: " + e.getMessage());
            }
            mcr.saveProfile(NotifyProfile.builder("alerts").name("Alerts").type("logfile")
                    .config("file", file.toString()).config("states", "DOWN").build());
            Runner disk = mcr.saveRunner(Runner.builder("disk").name("Disk check")
                    .command("echo 'disk at 97%'")
                    .onMatch("disk at (9\\d)%", CaseState.DOWN, "disk at {g1}%")
                    .notify("alerts")
                    .build());
            mcr.start(disk.id()).result().toCompletableFuture().get(30, TimeUnit.SECONDS);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            // The channel creates the file and then writes its line: wait for a whole line, not for the file.
            while (!endsWithLine(file) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            List<String> lines = Files.exists(file) ? Files.readAllLines(file) : List.of();
            lines.forEach(l -> out.println("logfile: " + l));
            return lines;
        }
    }

    private static boolean endsWithLine(Path file) throws IOException {
        return Files.exists(file) && Files.readString(file, StandardCharsets.UTF_8).endsWith("\n");
    }

    /**
     * Runs the example in a temporary folder.
     *
     * @param args unused
     * @throws Exception when it fails
     */
    public static void main(String[] args) throws Exception {
        run(Files.createTempDirectory("mcr-custom-channel"), System.out);
    }
}
