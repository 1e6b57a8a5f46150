package dev.mcr.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class LineReaderTest {

    /** How the bytes are handed to the reader: all at once, one per read, or in random chunks. */
    enum Chunking { WHOLE, ONE_BYTE, RANDOM }

    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        add(cases, "newline", "a\nb\n", 64, "a\n", "b\n");
        add(cases, "crlf", "a\r\nb\r\n", 64, "a\n", "b\n");
        add(cases, "lone cr progress bar", "10%\r50%\r100%\n", 64, "10%\n", "50%\n", "100%\n");
        add(cases, "mixed endings", "a\nb\r\nc\rd\n", 64, "a\n", "b\n", "c\n", "d\n");
        add(cases, "only one unterminated line", "progress 99%", 64, "progress 99%\n");
        add(cases, "empty lines of every kind", "\n\n\r\n\r\r", 64, "\n", "\n", "\n", "\n", "\n");
        add(cases, "lone cr then crlf", "x\r\r\ny", 64, "x\n", "\n", "y\n");
        add(cases, "final line without newline gets one", "a\nb", 64, "a\n", "b\n");
        add(cases, "final lone cr", "a\r", 64, "a\n");
        add(cases, "final crlf", "a\r\n", 64, "a\n");
        add(cases, "empty input", "", 64);
        add(cases, "all newlines", "\n".repeat(1000), 64, repeat("\n", 1000));
        add(cases, "all carriage returns", "\r".repeat(300), 64, repeat("\n", 300));
        add(cases, "utf-8 text", "héllo € 𝄞\n", 64, "héllo € 𝄞\n");
        add(cases, "line of exactly the cap then newline", "abcdefgh\n", 8, "abcdefgh\n");
        add(cases, "line of exactly the cap then crlf", "abcdefgh\r\nz", 8, "abcdefgh\n", "z\n");
        add(cases, "line of exactly the cap at the end", "abcdefgh", 8, "abcdefgh\n");
        add(cases, "unterminated line over the cap", "abcdefghij", 8, "abcdefgh\n", "ij\n");
        add(cases, "line over the cap", "abcdefghij\n", 8, "abcdefgh\n", "ij\n");
        add(cases, "line of twice the cap", "abcdefghijklmnop\n", 8, "abcdefgh\n", "ijklmnop\n");
        add(cases, "three-byte char straddles the cap", "abcdefg€x\n", 8, "abcdefg\n", "€x\n");
        add(cases, "two-byte char straddles the cap", "abcdefgéx\n", 8, "abcdefg\n", "éx\n");
        add(cases, "four-byte char straddles the cap", "abcdef𝄞yz\n", 8, "abcdef\n", "𝄞yz\n");
        add(cases, "char ends exactly at the cap", "abcde€xy\n", 8, "abcde€\n", "xy\n");
        add(cases, "smallest cap holds one four-byte char", "𝄞𝄞𝄞\n", 4, "𝄞\n", "𝄞\n", "𝄞\n");
        add(cases, "cr right after a full piece", "abcdefgh\rij", 8, "abcdefgh\n", "ij\n");
        String big = "a".repeat(65535) + "é" + "bbb\n";
        add(cases, "two-byte char straddles the default cap", big, LineReader.DEFAULT_MAX_LINE_BYTES,
                "a".repeat(65535) + "\n", "ébbb\n");
        String longLine = "x".repeat(200_000);
        add(cases, "long line in default pieces", longLine + "\nend\n", LineReader.DEFAULT_MAX_LINE_BYTES,
                "x".repeat(65536) + "\n", "x".repeat(65536) + "\n", "x".repeat(65536) + "\n",
                "x".repeat(200_000 - 3 * 65536) + "\n", "end\n");
        Stream.Builder<Arguments> all = Stream.builder();
        for (Arguments a : cases) {
            for (Chunking c : Chunking.values()) {
                Object[] args = a.get();
                all.add(Arguments.of(args[0], c, args[1], args[2], args[3]));
            }
        }
        return all.build();
    }

    private static void add(List<Arguments> cases, String name, String input, int cap, String... expected) {
        cases.add(Arguments.of(name, input.getBytes(StandardCharsets.UTF_8), cap, List.of(expected)));
    }

    private static String[] repeat(String s, int n) {
        String[] out = new String[n];
        java.util.Arrays.fill(out, s);
        return out;
    }

    @ParameterizedTest(name = "{0} ({1})")
    @MethodSource("cases")
    void splits_lines_as_the_table_says(String name, Chunking chunking, byte[] input, int cap, List<String> expected)
            throws IOException {
        assertThat(readAll(stream(input, chunking, 42), cap)).containsExactlyElementsOf(expected);
    }

    @Test
    void invalid_utf8_bytes_become_replacement_characters() throws IOException {
        byte[] input = {'a', (byte) 0xFF, 'b', '\n', (byte) 0xC3, '\n', (byte) 0x80, 'c'};
        for (Chunking c : Chunking.values()) {
            assertThat(readAll(stream(input, c, 1), 64)).containsExactly("a\uFFFDb\n", "\uFFFD\n", "\uFFFDc\n");
        }
    }

    @Test
    void a_truncated_sequence_in_an_over_long_line_is_carried_into_the_next_piece_without_loss() throws IOException {
        // 7 ASCII bytes, then the first two bytes of a three-byte char, then a byte that cannot continue it.
        byte[] input = {'a', 'b', 'c', 'd', 'e', 'f', 'g', (byte) 0xE2, (byte) 0x82, 'z', '\n'};
        for (Chunking c : Chunking.values()) {
            List<String> lines = readAll(stream(input, c, 3), 8);
            assertThat(lines.get(0)).isEqualTo("abcdefg\n");
            assertThat(String.join("", lines)).startsWith("abcdefg\n\uFFFD").endsWith("z\n");
        }
    }

    @Test
    void over_long_lines_of_multibyte_text_split_only_between_characters() throws IOException {
        String text = "€".repeat(50_000) + "𝄞".repeat(20_000) + "é".repeat(30_001);
        byte[] input = (text + "\n").getBytes(StandardCharsets.UTF_8);
        for (Chunking c : Chunking.values()) {
            List<String> pieces = readAll(stream(input, c, 7), LineReader.DEFAULT_MAX_LINE_BYTES);
            StringBuilder joined = new StringBuilder();
            for (int i = 0; i < pieces.size(); i++) {
                String piece = pieces.get(i);
                assertThat(piece).endsWith("\n").doesNotContain("\uFFFD");
                String content = piece.substring(0, piece.length() - 1);
                int bytes = content.getBytes(StandardCharsets.UTF_8).length;
                assertThat(bytes).isLessThanOrEqualTo(LineReader.DEFAULT_MAX_LINE_BYTES);
                if (i < pieces.size() - 1) {
                    // Only the last piece may be short; the others are full but for a held-back char.
                    assertThat(bytes).isGreaterThan(LineReader.DEFAULT_MAX_LINE_BYTES - 4);
                }
                joined.append(content);
            }
            assertThat(pieces.size()).isGreaterThan(3);
            assertThat(joined.toString()).isEqualTo(text);
        }
    }

    @Test
    void the_result_does_not_depend_on_how_the_bytes_arrive() throws IOException {
        byte[][] alphabet = {
            {'a'}, {'b'}, {'\n'}, {'\r'}, {'\r', '\n'}, "é".getBytes(StandardCharsets.UTF_8),
            "€".getBytes(StandardCharsets.UTF_8), "𝄞".getBytes(StandardCharsets.UTF_8), {(byte) 0xFF}, {(byte) 0x80},
            {(byte) 0xE2, (byte) 0x82},
        };
        Random random = new Random(7);
        for (int round = 0; round < 300; round++) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int tokens = random.nextInt(200);
            for (int i = 0; i < tokens; i++) {
                out.writeBytes(alphabet[random.nextInt(alphabet.length)]);
            }
            byte[] input = out.toByteArray();
            int cap = 4 + random.nextInt(12);
            List<String> whole = readAll(stream(input, Chunking.WHOLE, 0), cap);
            assertThat(readAll(stream(input, Chunking.ONE_BYTE, 0), cap)).isEqualTo(whole);
            assertThat(readAll(stream(input, Chunking.RANDOM, round), cap)).isEqualTo(whole);
            for (int i = 0; i < whole.size(); i++) {
                String line = whole.get(i);
                if (i < whole.size() - 1) {
                    assertThat(line).endsWith("\n");
                }
                assertThat(content(line)).doesNotContain("\n", "\r");
            }
        }
    }

    @Test
    void pieces_of_valid_text_never_exceed_the_cap() throws IOException {
        Random random = new Random(11);
        String[] chars = {"a", "é", "€", "𝄞", "\n"};
        for (int round = 0; round < 200; round++) {
            StringBuilder sb = new StringBuilder();
            int n = random.nextInt(300);
            for (int i = 0; i < n; i++) {
                sb.append(chars[random.nextInt(chars.length)]);
            }
            int cap = 4 + random.nextInt(20);
            byte[] input = sb.toString().getBytes(StandardCharsets.UTF_8);
            List<String> lines = readAll(stream(input, Chunking.RANDOM, round), cap);
            StringBuilder joined = new StringBuilder();
            for (String line : lines) {
                String content = content(line);
                assertThat(content).doesNotContain("\uFFFD");
                assertThat(content.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(cap);
                joined.append(content);
            }
            assertThat(joined.toString()).isEqualTo(sb.toString().replace("\n", ""));
        }
    }

    @Test
    void returns_null_again_after_the_end() throws IOException {
        LineReader reader = new LineReader(new ByteArrayInputStream("a".getBytes(StandardCharsets.UTF_8)));
        assertThat(reader.readLine()).isEqualTo("a\n");
        assertThat(reader.readLine()).isNull();
        assertThat(reader.readLine()).isNull();
    }

    @Test
    void read_errors_propagate() {
        InputStream failing = new InputStream() {
            @Override
            public int read() throws IOException {
                throw new IOException("disk on fire");
            }
        };
        assertThatThrownBy(() -> new LineReader(failing).readLine()).isInstanceOf(IOException.class)
                .hasMessage("disk on fire");
    }

    @Test
    void rejects_a_cap_too_small_for_one_utf8_character_and_a_missing_stream() {
        assertThatThrownBy(() -> new LineReader(new ByteArrayInputStream(new byte[0]), 3))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 4 bytes");
        assertThatThrownBy(() -> new LineReader(null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("must not be null");
    }

    private static String content(String line) {
        return line.endsWith("\n") ? line.substring(0, line.length() - 1) : line;
    }

    private static List<String> readAll(InputStream in, int cap) throws IOException {
        LineReader reader = new LineReader(in, cap);
        List<String> lines = new ArrayList<>();
        String line;
        while ((line = reader.readLine()) != null) {
            lines.add(line);
        }
        return lines;
    }

    private static InputStream stream(byte[] input, Chunking chunking, long seed) {
        switch (chunking) {
            case WHOLE:
                return new ByteArrayInputStream(input);
            case ONE_BYTE:
                return new ChunkedStream(input, null);
            default:
                return new ChunkedStream(input, new Random(seed));
        }
    }

    /** Returns one byte per read, or a random 1..100 bytes per read. */
    private static final class ChunkedStream extends InputStream {
        private final byte[] data;
        private final Random random;
        private int pos;

        ChunkedStream(byte[] data, Random random) {
            this.data = data;
            this.random = random;
        }

        @Override
        public int read() {
            return pos < data.length ? data[pos++] & 0xFF : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (pos >= data.length) {
                return -1;
            }
            int n = random == null ? 1 : 1 + random.nextInt(100);
            n = Math.min(Math.min(n, len), data.length - pos);
            System.arraycopy(data, pos, b, off, n);
            pos += n;
            return n;
        }
    }

    /** Hands out one chunk per read, like a pipe that delivers what the writer wrote so far. */
    private static InputStream chunks(String... parts) {
        java.util.Iterator<String> it = List.of(parts).iterator();
        return new InputStream() {
            @Override
            public int read() {
                throw new UnsupportedOperationException();
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (!it.hasNext()) {
                    return -1;
                }
                byte[] chunk = it.next().getBytes(StandardCharsets.UTF_8);
                System.arraycopy(chunk, 0, b, off, chunk.length);
                return chunk.length;
            }
        };
    }

    @Test
    void line_ready_tells_whether_the_next_line_needs_another_read() throws IOException {
        LineReader r = new LineReader(chunks("one\ntwo\npar", "tial\r", "\nlast"));
        assertThat(r.lineReady()).as("nothing read yet").isFalse();
        assertThat(r.readLine()).isEqualTo("one\n");
        assertThat(r.lineReady()).isTrue();
        assertThat(r.readLine()).isEqualTo("two\n");
        assertThat(r.lineReady()).as("only a partial line is buffered").isFalse();
        assertThat(r.readLine()).isEqualTo("partial\n");
        assertThat(r.lineReady()).as("the \\n after \\r is not a line of its own").isFalse();
        assertThat(r.readLine()).isEqualTo("last\n");
        assertThat(r.readLine()).isNull();
        assertThat(r.lineReady()).as("at the end readLine returns at once").isTrue();
    }

    @Test
    void line_ready_counts_a_piece_of_an_over_long_line_as_ready() throws IOException {
        LineReader r = new LineReader(chunks("abcdefghij"), 4);
        assertThat(r.readLine()).isEqualTo("abcd\n");
        assertThat(r.lineReady()).as("six bytes left, more than a piece").isTrue();
        assertThat(r.readLine()).isEqualTo("efgh\n");
        assertThat(r.lineReady()).as("two bytes may still grow into a line").isFalse();
        assertThat(r.readLine()).isEqualTo("ij\n");
    }
}
