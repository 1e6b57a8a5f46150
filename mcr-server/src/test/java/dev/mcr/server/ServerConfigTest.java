package dev.mcr.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import dev.mcr.store.RunRetention;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServerConfigTest {

    @Test
    void an_empty_environment_gives_the_original_defaults() {
        ServerConfig c = ServerConfig.fromEnv(Map.of());
        assertThat(c.host()).isEqualTo("127.0.0.1");
        assertThat(c.port()).isEqualTo(8080);
        assertThat(c.dataDir()).isEqualTo(Path.of("data").toAbsolutePath().normalize());
        assertThat(c.secretKey()).isNull();
        assertThat(c.keySource()).isEqualTo("file");
        assertThat(c.authEnabled()).isFalse();
        assertThat(c.pushoverUrl()).isNull();
        assertThat(c.maxImportBytes()).isEqualTo(1_048_576);
        assertThat(c.maxImportedRunners()).isEqualTo(100);
        assertThat(c.maxTotalRunners()).isEqualTo(500);
        assertThat(c.maxCasesPerRunner()).isEqualTo(200);
        assertThat(c.maxSseSubscribers()).isEqualTo(100);
        assertThat(c.maxOutputLinesPerRun()).isEqualTo(5000);
        assertThat(c.runtimeStatusSaveInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(c.maxLogBytes()).isEqualTo(10_485_760L);
        assertThat(c.maxLogFiles()).isEqualTo(5);
        assertThat(ServerConfig.defaults()).isEqualTo(c);
    }

    @Test
    void every_variable_is_read_and_trimmed() {
        ServerConfig c = ServerConfig.fromEnv(Map.ofEntries(
                Map.entry("HOST", " 0.0.0.0 "), Map.entry("PORT", "9090"), Map.entry("DATA_DIR", "/tmp/x/../y"),
                Map.entry("MULTI_COMMAND_RUNNER_SECRET_KEY", " passphrase "),
                Map.entry("MULTI_COMMAND_RUNNER_AUTH_USER", " admin "),
                Map.entry("MULTI_COMMAND_RUNNER_AUTH_PASSWORD", " s3cret "),
                Map.entry("MULTI_COMMAND_RUNNER_PUSHOVER_URL", "http://127.0.0.1:1234/1/messages.json"),
                Map.entry("MAX_IMPORT_BYTES", "2_000_000"), Map.entry("MAX_IMPORTED_RUNNERS", "+7"),
                Map.entry("MAX_TOTAL_RUNNERS", "70"), Map.entry("MAX_CASES_PER_RUNNER", "3"),
                Map.entry("MAX_SSE_SUBSCRIBERS", "4"), Map.entry("MAX_OUTPUT_LINES_PER_RUN", "300"),
                Map.entry("RUNTIME_STATUS_SAVE_INTERVAL_S", "2.5"), Map.entry("MAX_LOG_BYTES", " 5_000_000_000 "),
                Map.entry("MAX_LOG_FILES", "9")));
        assertThat(c.host()).isEqualTo("0.0.0.0");
        assertThat(c.port()).isEqualTo(9090);
        assertThat(c.dataDir()).isEqualTo(Path.of("/tmp/y"));
        assertThat(c.secretKey()).isEqualTo("passphrase");
        assertThat(c.keySource()).isEqualTo("env");
        assertThat(c.authUser()).isEqualTo("admin");
        assertThat(c.authPassword()).isEqualTo("s3cret");
        assertThat(c.authEnabled()).isTrue();
        assertThat(c.pushoverUrl()).isEqualTo(URI.create("http://127.0.0.1:1234/1/messages.json"));
        assertThat(c.maxImportBytes()).isEqualTo(2_000_000);
        assertThat(c.maxImportedRunners()).isEqualTo(7);
        assertThat(c.maxTotalRunners()).isEqualTo(70);
        assertThat(c.maxCasesPerRunner()).isEqualTo(3);
        assertThat(c.maxSseSubscribers()).isEqualTo(4);
        assertThat(c.maxOutputLinesPerRun()).isEqualTo(300);
        assertThat(c.runtimeStatusSaveInterval()).isEqualTo(Duration.ofMillis(2500));
        assertThat(c.maxLogBytes()).isEqualTo(5_000_000_000L);
        assertThat(c.maxLogFiles()).isEqualTo(9);
    }

    @Test
    void limits_are_clamped_like_the_original() {
        ServerConfig c = ServerConfig.fromEnv(Map.of(
                "MAX_IMPORT_BYTES", "10", "MAX_IMPORTED_RUNNERS", "0", "MAX_TOTAL_RUNNERS", "-3",
                "MAX_CASES_PER_RUNNER", "-1", "MAX_SSE_SUBSCRIBERS", "0", "MAX_OUTPUT_LINES_PER_RUN", "5",
                "RUNTIME_STATUS_SAVE_INTERVAL_S", "0.01", "MAX_LOG_BYTES", "100", "MAX_LOG_FILES", "-2"));
        assertThat(c.maxImportBytes()).isEqualTo(16_384);
        assertThat(c.maxImportedRunners()).isEqualTo(1);
        assertThat(c.maxTotalRunners()).isEqualTo(1);
        assertThat(c.maxCasesPerRunner()).isEqualTo(1);
        assertThat(c.maxSseSubscribers()).isEqualTo(1);
        assertThat(c.maxOutputLinesPerRun()).isEqualTo(200);
        assertThat(c.runtimeStatusSaveInterval()).isEqualTo(Duration.ofMillis(250));
        assertThat(c.maxLogBytes()).isEqualTo(4096);
        assertThat(c.maxLogFiles()).isZero();
        assertThat(ServerConfig.fromEnv(Map.of("MAX_LOG_FILES", "5000")).maxLogFiles()).isEqualTo(1000);
    }

    @Test
    void total_runners_is_at_least_the_import_limit() {
        ServerConfig c = ServerConfig.fromEnv(Map.of("MAX_IMPORTED_RUNNERS", "300", "MAX_TOTAL_RUNNERS", "200"));
        assertThat(c.maxTotalRunners()).isEqualTo(300);
    }

    @Test
    void huge_numbers_saturate_instead_of_overflowing() {
        ServerConfig c = ServerConfig.fromEnv(Map.of("MAX_IMPORT_BYTES", "99999999999999999999",
                "RUNTIME_STATUS_SAVE_INTERVAL_S", "inf", "MAX_LOG_BYTES", "99999999999999999999999"));
        assertThat(c.maxImportBytes()).isEqualTo(Integer.MAX_VALUE);
        assertThat(c.maxLogBytes()).isEqualTo(Long.MAX_VALUE);
        assertThat(c.runtimeStatusSaveInterval()).isEqualTo(Duration.ofDays(1));
    }

    @Test
    void a_nan_interval_becomes_the_floor_like_pythons_max() {
        assertThat(ServerConfig.fromEnv(Map.of("RUNTIME_STATUS_SAVE_INTERVAL_S", "nan")).runtimeStatusSaveInterval())
                .isEqualTo(Duration.ofMillis(250));
    }

    @Test
    void blank_values_count_as_unset() {
        ServerConfig c = ServerConfig.fromEnv(Map.of("PORT", " ", "MAX_IMPORT_BYTES", "", "HOST", ""));
        assertThat(c.port()).isEqualTo(8080);
        assertThat(c.maxImportBytes()).isEqualTo(1_048_576);
        assertThat(c.host()).isEqualTo("127.0.0.1");
    }

    @Test
    void an_invalid_number_names_the_variable() {
        assertThatThrownBy(() -> ServerConfig.fromEnv(Map.of("MAX_IMPORT_BYTES", "1MB")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Environment variable MAX_IMPORT_BYTES must be a whole number, not '1MB'.");
        assertThatThrownBy(() -> ServerConfig.fromEnv(Map.of("MAX_SSE_SUBSCRIBERS", "1.5")))
                .hasMessageContaining("MAX_SSE_SUBSCRIBERS");
        assertThatThrownBy(() -> ServerConfig.fromEnv(Map.of("RUNTIME_STATUS_SAVE_INTERVAL_S", "soon")))
                .hasMessage("Environment variable RUNTIME_STATUS_SAVE_INTERVAL_S must be a number of seconds, not 'soon'.");
        assertThatThrownBy(() -> ServerConfig.fromEnv(Map.of("PORT", "http")))
                .hasMessageContaining("PORT");
        assertThatThrownBy(() -> ServerConfig.fromEnv(Map.of("MAX_LOG_BYTES", "10MiB")))
                .hasMessage("Environment variable MAX_LOG_BYTES must be a whole number, not '10MiB'.");
    }

    @Test
    void a_port_out_of_range_is_refused() {
        assertThatThrownBy(() -> ServerConfig.fromEnv(Map.of("PORT", "65536")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Environment variable PORT must be between 0 and 65535, not 65536.");
        assertThat(ServerConfig.fromEnv(Map.of("PORT", "0")).port()).isZero();
    }

    @Test
    void a_pushover_url_must_be_http() {
        assertThatThrownBy(() -> ServerConfig.fromEnv(Map.of("MULTI_COMMAND_RUNNER_PUSHOVER_URL", "file:///etc/passwd")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("MULTI_COMMAND_RUNNER_PUSHOVER_URL");
        assertThatThrownBy(() -> ServerConfig.fromEnv(Map.of("MULTI_COMMAND_RUNNER_PUSHOVER_URL", "not a url")))
                .hasMessageContaining("MULTI_COMMAND_RUNNER_PUSHOVER_URL");
    }

    @Test
    void auth_with_only_a_user_or_only_a_password_stays_off() {
        assertThat(ServerConfig.fromEnv(Map.of("MULTI_COMMAND_RUNNER_AUTH_USER", "admin")).authEnabled()).isFalse();
        assertThat(ServerConfig.fromEnv(Map.of("MULTI_COMMAND_RUNNER_AUTH_PASSWORD", "pw")).authEnabled()).isFalse();
        assertThat(ServerConfig.fromEnv(Map.of("MULTI_COMMAND_RUNNER_AUTH_USER", "admin",
                "MULTI_COMMAND_RUNNER_AUTH_PASSWORD", "   ")).authEnabled()).isFalse();
    }

    @Test
    void the_history_bounds_and_the_metrics_token_are_read_from_the_environment_and_the_token_never_shown() {
        ServerConfig d = ServerConfig.defaults();
        assertThat(d.runRetention()).isEqualTo(RunRetention.DEFAULTS);
        assertThat(d.metricsToken()).isNull();
        ServerConfig c = ServerConfig.fromEnv(Map.of("MCR_HISTORY_RUNS", "50", "MCR_HISTORY_DAYS", "7",
                "MCR_HISTORY_OUTPUT_BYTES", "1000000", "MCR_METRICS_TOKEN", " scrape-secret "));
        assertThat(c.runRetention()).isEqualTo(new RunRetention(50, Duration.ofDays(7), 1_000_000));
        assertThat(c.metricsToken()).isEqualTo("scrape-secret");
        assertThat(c.toString()).contains("history_runs=50, history_days=7, history_output_bytes=1000000",
                "metrics_token=set").doesNotContain("scrape-secret");
        assertThat(ServerConfig.fromEnv(Map.of("MCR_HISTORY_RUNS", "0", "MCR_HISTORY_DAYS", "-3"))
                .runRetention()).as("clamped to at least one run and one day")
                .isEqualTo(new RunRetention(1, Duration.ofDays(1), RunRetention.DEFAULTS.maxOutputBytes()));
        assertThatThrownBy(() -> ServerConfig.fromEnv(Map.of("MCR_HISTORY_RUNS", "many")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("MCR_HISTORY_RUNS");
    }

    @Test
    void to_string_shows_the_effective_settings_but_no_secret() {
        String s = ServerConfig.fromEnv(Map.of("MULTI_COMMAND_RUNNER_SECRET_KEY", "topsecretkey",
                "MULTI_COMMAND_RUNNER_AUTH_USER", "admin", "MULTI_COMMAND_RUNNER_AUTH_PASSWORD", "hunter2pw",
                "MULTI_COMMAND_RUNNER_PUSHOVER_URL", "https://user:tokenpw@push.example/1/messages.json"))
                .toString();
        assertThat(s).contains("auth=on", "key_source=env", "port=8080", "max_import_bytes=1048576",
                "max_log_bytes=10485760, max_log_files=5",
                "pushover_url=https://push.example/1/messages.json");
        assertThat(s).doesNotContain("topsecretkey", "hunter2pw", "tokenpw");
    }

    @Test
    void the_constructor_refuses_values_below_the_floors() {
        assertThatThrownBy(() -> new ServerConfig("127.0.0.1", 0, Path.of("d"), null, "", "", null, 100, 1, 1, 1, 1,
                200, Duration.ofSeconds(1), ServerConfig.DEFAULT_MAX_STATE_BYTES, List.of(), 10_485_760L, 5, RunRetention.DEFAULTS, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxImportBytes");
        assertThatThrownBy(() -> new ServerConfig(" ", 0, Path.of("d"), null, "", "", null, 16_384, 1, 1, 1, 1,
                200, Duration.ofSeconds(1), ServerConfig.DEFAULT_MAX_STATE_BYTES, List.of(), 10_485_760L, 5, RunRetention.DEFAULTS, null))
                .hasMessageContaining("host");
        assertThatThrownBy(() -> new ServerConfig("127.0.0.1", 0, Path.of("d"), null, "", "", null, 16_384, 1, 1, 1,
                1, 200, Duration.ofSeconds(1), 1000, List.of(), 10_485_760L, 5, RunRetention.DEFAULTS, null))
                .hasMessageContaining("maxStateBytes");
        assertThatThrownBy(() -> new ServerConfig("127.0.0.1", 0, Path.of("d"), null, "", "", null, 16_384, 1, 1, 1,
                1, 200, Duration.ofSeconds(1), ServerConfig.DEFAULT_MAX_STATE_BYTES, List.of(), 4095, 5, RunRetention.DEFAULTS, null))
                .hasMessage("maxLogBytes must be at least 4096, not 4095.");
        assertThatThrownBy(() -> new ServerConfig("127.0.0.1", 0, Path.of("d"), null, "", "", null, 16_384, 1, 1, 1,
                1, 200, Duration.ofSeconds(1), ServerConfig.DEFAULT_MAX_STATE_BYTES, List.of(), 4096, 1001, RunRetention.DEFAULTS, null))
                .hasMessage("maxLogFiles must be between 0 and 1000, not 1001.");
    }
}
