package dev.mcr.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcr.event.OutputLine;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PyJsonTest {

    private static String py(Object value) {
        return new String(PyJson.bytes(value), StandardCharsets.UTF_8);
    }

    @Test
    void output_matches_pythons_json_dumps_with_ensure_ascii_false() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("a", "x\u001b\"\\/é\uD83D\uDE00\u007f\t\b\f\r\n\u0000");
        m.put("b", Arrays.asList(1, null, true, false, -5L));
        m.put("c", Map.of());
        m.put("d", List.of());
        // Printed by python3: json.dumps({...}, ensure_ascii=False)
        assertThat(py(m)).isEqualTo("{\"a\": \"x\\u001b\\\"\\\\/é\uD83D\uDE00\u007f\\t\\b\\f\\r\\n\\u0000\", "
                + "\"b\": [1, null, true, false, -5], \"c\": {}, \"d\": []}");
    }

    @Test
    void an_output_event_is_framed_like_the_original() {
        byte[] frame = EventStream.frame(new OutputLine("r1", "\u001b[31mrot\u001b[0m é\n").toJson(ZoneOffset.UTC));
        assertThat(new String(frame, StandardCharsets.UTF_8)).isEqualTo(
                "data: {\"type\": \"output\", \"runner_id\": \"r1\", \"line\": \"\\u001b[31mrot\\u001b[0m é\\n\"}\n\n");
    }

    @Test
    void a_lone_surrogate_is_escaped_so_the_message_stays_valid() {
        assertThat(py(Map.of("a", "\ud800x"))).isEqualTo("{\"a\": \"\\ud800x\"}");
    }

    @Test
    void long_strings_grow_the_buffer() {
        String big = "é".repeat(100_000);
        assertThat(py(big)).hasSize(100_002);
        assertThat(PyJson.bytes(big)).hasSize(200_002);
    }

    @Test
    void types_events_never_contain_are_refused() {
        assertThatThrownBy(() -> py(1.5)).isInstanceOf(IllegalArgumentException.class);
    }
}
