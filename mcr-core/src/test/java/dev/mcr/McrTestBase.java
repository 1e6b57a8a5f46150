package dev.mcr;

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
        mcr = Mcr.builder().dataDir(dir).seedDemo(false).build();
        events = new EventRecorder(mcr);
    }

    @AfterEach
    void close() {
        events.close();
        mcr.close();
    }
}
