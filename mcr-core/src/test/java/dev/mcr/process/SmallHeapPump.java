package dev.mcr.process;

import java.util.Map;

/**
 * Started in its own small-heap JVM by {@link ShellProcessMemoryTest}: pumps a command that
 * prints {@code args[0]} bytes without a newline and prints what it saw.
 */
public final class SmallHeapPump {

    private SmallHeapPump() {
    }

    /**
     * Runs the command and prints {@code lines=N chars=N maxLine=N exit=N}.
     *
     * @param args the number of bytes to print
     * @throws Exception if the run fails
     */
    public static void main(String[] args) throws Exception {
        long bytes = Long.parseLong(args[0]);
        long[] counts = new long[3];
        try (ShellProcess p = ShellProcess.start(ShellProcess.NON_LOGIN_SHELL,
                "head -c " + bytes + " /dev/zero | tr '\\0' a", Map.of(), null)) {
            int exit = p.pump(line -> {
                // Every piece ends with a newline but the last, which had none in the output.
                int length = line.endsWith("\n") ? line.length() - 1 : line.length();
                counts[0]++;
                counts[1] += length;
                counts[2] = Math.max(counts[2], length);
            });
            System.out.println("lines=" + counts[0] + " chars=" + counts[1] + " maxLine=" + counts[2] + " exit=" + exit);
        }
    }
}
