package dev.mcr.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class ShellProcessMemoryTest {

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void a_gigabyte_without_a_newline_is_pumped_in_a_32_mib_heap() throws Exception {
        long bytes = 1L << 30;
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process jvm = new ProcessBuilder(List.of(java, "-Xmx32m", "-cp", System.getProperty("java.class.path"),
                SmallHeapPump.class.getName(), Long.toString(bytes)))
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
        try {
            String output = new String(jvm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(jvm.waitFor()).as("child JVM output: %s", output).isZero();
            long pieces = bytes / LineReader.DEFAULT_MAX_LINE_BYTES;
            assertThat(output).contains("lines=" + pieces + " chars=" + bytes + " maxLine="
                    + LineReader.DEFAULT_MAX_LINE_BYTES + " exit=0");
        } finally {
            jvm.destroyForcibly();
        }
    }
}
