package dev.mcr.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Describes the machine numbers come from: {@code nproc}, {@code free -h}, CPU model, {@code java -version}, load. */
public final class MachineInfo {

    private MachineInfo() {
    }

    /**
     * Prints the machine description as a Markdown code block.
     *
     * @param out where to print
     */
    public static void print(PrintStream out) {
        out.println("```");
        out.println("$ nproc");
        out.println(command("nproc").strip());
        out.println("$ free -h");
        out.println(command("free", "-h").stripTrailing());
        out.println("$ grep -m1 'model name' /proc/cpuinfo");
        out.println(cpuModel());
        out.println("$ java -version   (the JVM running the benchmark: " + System.getProperty("java.home") + ")");
        out.println(command(javaBinary(), "-version").stripTrailing());
        out.println("$ cat /proc/loadavg   (other work on the machine at the start)");
        out.println(read("/proc/loadavg").strip());
        out.println("```");
        out.flush();
    }

    /** Returns the 1-minute load average, or -1 when unreadable. */
    public static double loadAverage() {
        try {
            return Double.parseDouble(read("/proc/loadavg").trim().split("\\s+")[0]);
        } catch (RuntimeException e) {
            return -1;
        }
    }

    /** Returns the path of the {@code java} binary of the running JVM. */
    public static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static String cpuModel() {
        for (String line : read("/proc/cpuinfo").split("\n")) {
            if (line.startsWith("model name")) {
                return line.strip();
            }
        }
        return "(no model name in /proc/cpuinfo)";
    }

    private static String read(String file) {
        try {
            return Files.readString(Path.of(file), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(" + file + " unreadable: " + e.getMessage() + ")";
        }
    }

    private static String command(String... cmd) {
        try {
            Process p = new ProcessBuilder(List.of(cmd)).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(10, TimeUnit.SECONDS);
            return out;
        } catch (IOException e) {
            return "(" + String.join(" ", cmd) + " failed: " + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "(interrupted)";
        }
    }
}
