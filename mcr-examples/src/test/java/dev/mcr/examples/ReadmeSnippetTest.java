package dev.mcr.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReadmeSnippetTest {

    @Test
    void the_readme_shows_exactly_the_compiled_snippet() throws Exception {
        String source = Files.readString(Path.of("src/main/java/dev/mcr/examples/ReadmeExample.java"));
        String snippet = source.substring(source.indexOf("// README:begin\n") + "// README:begin\n".length(),
                source.indexOf("        // README:end"));
        String unindented = Arrays.stream(snippet.split("\n", -1))
                .map(l -> l.length() >= 8 ? l.substring(8) : l.strip())
                .collect(Collectors.joining("\n"));
        String readme = Files.readString(Path.of("../README.md"), StandardCharsets.UTF_8);
        assertThat(readme).contains("```java\n" + unindented + "```");
    }

    @Test
    void the_snippet_runs(@TempDir Path dir) throws Exception {
        assertThat(ReadmeExample.run(dir)).isTrue();
    }
}
