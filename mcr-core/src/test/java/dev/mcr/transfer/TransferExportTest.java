package dev.mcr.transfer;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcr.json.StateTrees;
import dev.mcr.model.AppState;
import dev.mcr.model.StateJson;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class TransferExportTest {

    static String fixture(String name) {
        try (InputStream in = TransferExportTest.class.getResourceAsStream("/fixtures/" + name)) {
            assertThat(in).as("fixture %s", name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static final Instant NOON_UTC = Instant.parse("2026-03-11T12:00:00Z");
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

    @Test
    void the_export_of_a_saved_state_is_byte_for_byte_the_original_export_file() {
        AppState saved = StateJson.read(fixture("original-state-saved.json"));
        String written = StateTrees.writeIndented(Transfer.export(saved, NOON_UTC, BERLIN));
        assertThat(written).isEqualTo(fixture("original-export.json"));
    }

    @Test
    void an_export_holds_runners_groups_layout_and_time_but_never_profiles_or_secrets() {
        AppState saved = StateJson.read(fixture("original-state-saved.json"));
        assertThat(saved.notifyProfiles().get(0).configValue("api_token")).startsWith("enc:v1:");

        JsonNode export = Transfer.export(saved, NOON_UTC, BERLIN);

        List<String> keys = new ArrayList<>();
        export.fieldNames().forEachRemaining(keys::add);
        assertThat(keys).containsExactly("runners", "runner_groups", "runner_layout", "exported_at");
        assertThat(export.get("runners")).hasSize(saved.runners().size());
        assertThat(export.get("exported_at").asText()).isEqualTo("2026-03-11T13:00:00+01:00");
        String text = StateTrees.write(export);
        assertThat(text).doesNotContain("enc:v1:", "user_key", "api_token", "notify_profiles", "Pushover Handy");
        // runners keep their targets by id
        assertThat(export.get("runners").get(0).get("notify_profile_ids").get(0).asText())
                .isEqualTo(saved.notifyProfiles().get(0).id());
    }

    @Test
    void the_exported_at_time_carries_the_zone_offset_at_second_precision() {
        JsonNode export = Transfer.export(AppState.EMPTY, Instant.parse("2026-07-01T08:09:10.987Z"), ZoneOffset.UTC);
        assertThat(export.get("exported_at").asText()).isEqualTo("2026-07-01T08:09:10+00:00");
        assertThat(export.get("runners")).isEmpty();
    }

    @Test
    void the_file_name_uses_local_time_of_the_zone() {
        assertThat(Transfer.exportFileName(NOON_UTC, BERLIN)).isEqualTo("multi-command-runner-export-20260311_130000.json");
        assertThat(Transfer.exportFileName(Instant.parse("2026-12-31T23:59:59.999Z"), ZoneOffset.UTC))
                .isEqualTo("multi-command-runner-export-20261231_235959.json");
    }
}
