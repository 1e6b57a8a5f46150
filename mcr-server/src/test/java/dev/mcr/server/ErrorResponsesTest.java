package dev.mcr.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcr.error.ClosedException;
import dev.mcr.error.GroupBusyException;
import dev.mcr.error.GroupNotFoundException;
import dev.mcr.error.InvalidInputException;
import dev.mcr.error.LimitExceededException;
import dev.mcr.error.McrException;
import dev.mcr.error.ProfileNotFoundException;
import dev.mcr.error.RunnerBusyException;
import dev.mcr.error.RunnerNotFoundException;
import dev.mcr.error.TooLargeException;
import dev.mcr.error.TooManySubscribersException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ErrorResponsesTest {

    private static String answer(RuntimeException e) {
        HttpResponse r = ErrorResponses.from(e);
        return r.status() + " " + new String(r.body(), StandardCharsets.UTF_8);
    }

    @Test
    void each_core_exception_gets_the_originals_status_and_text() {
        assertThat(answer(new RunnerNotFoundException("r1"))).isEqualTo("404 {\"detail\":\"Runner not found\"}");
        assertThat(answer(new GroupNotFoundException("g1"))).isEqualTo("404 {\"detail\":\"Group not found\"}");
        assertThat(answer(new ProfileNotFoundException("p1"))).isEqualTo("404 {\"detail\":\"Profile not found\"}");
        assertThat(answer(new RunnerBusyException("r1"))).isEqualTo("409 {\"detail\":\"Runner already running\"}");
        assertThat(answer(new GroupBusyException("g1", List.of())))
                .isEqualTo("409 {\"detail\":\"Group sequence already running\"}");
        assertThat(answer(new GroupBusyException("g1", List.of("a", "b"))))
                .isEqualTo("409 {\"detail\":\"Group contains active/scheduled runners: a, b\"}");
        assertThat(answer(new InvalidInputException("Invalid runner entry at index 3: 'id' must be a string")))
                .isEqualTo("400 {\"detail\":\"Invalid runner entry at index 3: 'id' must be a string\"}");
        assertThat(answer(new LimitExceededException("The state has 4 runners.", "MAX_TOTAL_RUNNERS", 4, 3)))
                .isEqualTo("400 {\"detail\":\"The state has 4 runners.\"}");
        assertThat(answer(new TooLargeException("Import too large (max 10 bytes)", "MAX_IMPORT_BYTES", 11, 10)))
                .isEqualTo("413 {\"detail\":\"Import too large (max 10 bytes)\"}");
        assertThat(answer(new TooManySubscribersException(100)))
                .isEqualTo("503 {\"detail\":\"Too many event subscribers (limit 100).\"}");
        assertThat(answer(new ClosedException("This mcr instance is closed.")))
                .isEqualTo("503 {\"detail\":\"This mcr instance is closed.\"}");
        assertThat(answer(new McrException("The database is broken.")))
                .isEqualTo("500 {\"detail\":\"The database is broken.\"}");
        assertThat(answer(new IllegalStateException("secret"))).isEqualTo("500 {\"detail\":\"Internal Server Error\"}");
    }
}
