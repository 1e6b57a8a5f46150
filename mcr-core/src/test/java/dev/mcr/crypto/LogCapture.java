package dev.mcr.crypto;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Captures what the test logger (slf4j-simple, which writes to the current {@code System.err}) prints while a
 * piece of code runs, so tests can check log lines for leaked secrets.
 */
public final class LogCapture {

    /** Code under capture. */
    @FunctionalInterface
    public interface Action {
        /** Runs the code. */
        void run() throws Exception;
    }

    private LogCapture() {
    }

    /**
     * Runs the action and returns everything logged meanwhile.
     *
     * @param action the code
     * @return the captured log text
     */
    public static synchronized String during(Action action) throws Exception {
        PrintStream original = System.err;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setErr(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            action.run();
        } finally {
            System.err.flush();
            System.setErr(original);
        }
        String text = buf.toString(StandardCharsets.UTF_8);
        original.print(text);
        return text;
    }
}
