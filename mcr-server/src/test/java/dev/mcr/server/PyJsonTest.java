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
    void an_output_event_of_a_run_ends_with_its_run_id_after_the_original_keys() {
        byte[] frame = EventStream.frame(new OutputLine("r1", "hi\n", "run_0195f3a1b2c37000a1b2c3d4e5f60718")
                .toJson(ZoneOffset.UTC));
        assertThat(new String(frame, StandardCharsets.UTF_8)).isEqualTo("data: {\"type\": \"output\", \"runner_id\": "
                + "\"r1\", \"line\": \"hi\\n\", \"run_id\": \"run_0195f3a1b2c37000a1b2c3d4e5f60718\"}\n\n");
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

    /** Lines that exercise every branch of the string writer. */
    private static List<String> trickyLines() {
        StringBuilder controls = new StringBuilder();
        for (char c = 0; c < 0x20; c++) {
            controls.append(c);
        }
        String alphabet = "a\"\\\u00e9\u20ac\n\u007f/\u0001";
        StringBuilder mixed = new StringBuilder();
        for (int i = 0; i < 64 * 1024; i++) {
            mixed.append(alphabet.charAt(i % alphabet.length()));
        }
        return List.of(
                "", "\n", "plain ascii line 12345\n",
                "say \"hi\" \\ C:\\path\\ / slash\r\n",
                controls.toString(), "\u007f DEL and \u0080 first C1 and \u009f",
                "\u00e9t\u00e9 \u00fc\u00df \u0141\u00f3d\u017a \u20ac \u4e2d\u6587 \u07ff\u0800 \uffff\n",
                "\uD83D\uDE00 emoji \uD83C\uDDE9\uD83C\uDDEA flag \uDBFF\uDFFF last",
                "lone high \ud800 at mid", "lone low \udc00", "\ud800", "\udfff\ud800",
                "high at end \ud83d", "\u001b[31mred\u001b[0m\n",
                "x".repeat(64 * 1024),
                "\u00e9".repeat(64 * 1024),
                "\uD83D\uDE00".repeat(32 * 1024),
                mixed.toString());
    }

    @Test
    void an_output_frame_written_directly_has_exactly_the_bytes_of_the_map_encoding() {
        for (String runner : Arrays.asList("r1", "runner \"q\" \u00e9\uD83D\uDE00", "", null)) {
            for (String runId : Arrays.asList("run_0195f3a1b2c37000a1b2c3d4e5f60718", "odd \"id\" \u00e9", null)) {
                for (String line : trickyLines()) {
                    byte[] viaMap = EventStream.frame(new OutputLine(runner, line, runId).toJson(ZoneOffset.UTC));
                    byte[] direct = new PyJson().outputFrame(runner, line, runId).toBytes();
                    assertThat(direct).as("runner %s, run %s, line of %d chars", runner, runId, line.length())
                            .isEqualTo(viaMap);
                }
            }
        }
    }

    @Test
    void direct_output_frames_appended_after_other_content_match_too() {
        PyJson viaMap = new PyJson();
        PyJson direct = new PyJson();
        // Runner and run ids change between frames (an encoded id is reused only for the same instance).
        List<String> runners = Arrays.asList("r", "r", new String("r".toCharArray()), "other \u00e9", null, "r");
        String run = "run_0195f3a1b2c37000a1b2c3d4e5f60718";
        List<String> runs = Arrays.asList(run, run, null, new String(run.toCharArray()), "run_other", run, null);
        List<String> lines = trickyLines();
        for (int i = 0; i < lines.size() * 3; i++) {
            String runner = runners.get(i % runners.size());
            String runId = runs.get(i % runs.size());
            String line = lines.get(i % lines.size());
            viaMap.ascii("data: ").value(new OutputLine(runner, line, runId).toJson(ZoneOffset.UTC)).ascii("\n\n");
            direct.outputFrame(runner, line, runId);
        }
        assertThat(direct.toBytes()).isEqualTo(viaMap.toBytes());
    }

    @Test
    void the_escapes_are_pythons() {
        // Printed by python3: json.dumps("\x00\x1f\"\\/\x7f\u00e9\U0001F600", ensure_ascii=False)
        assertThat(py("\u0000\u001f\"\\/\u007f\u00e9\uD83D\uDE00"))
                .isEqualTo("\"\\u0000\\u001f\\\"\\\\/\u007f\u00e9\uD83D\uDE00\"");
    }
}
