package dev.mcr;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** An {@link Mcr} on a fresh data folder (no demo runners) and a recorder of its events, per test. */
abstract class McrTestBase {

    @TempDir
    Path dir;
    Mcr mcr;
    EventRecorder events;

    @BeforeEach
    void open() {
        mcr = configure(Mcr.builder().dataDir(dir).seedDemo(false)).build();
        events = new EventRecorder(mcr);
    }

    /** Lets a test class change the builder (a settable clock and a manual scheduler, for example). */
    Mcr.Builder configure(Mcr.Builder builder) {
        return builder;
    }

    /** Returns a runner's whole current log as text, read the way the server streams it. */
    String logText(String runnerId) throws IOException {
        try (LogContent log = mcr.openLog(runnerId, 0)) {
            return new String(log.stream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @AfterEach
    void close() {
        events.close();
        mcr.close();
    }
}
