package dev.mcr.crypto;

import dev.mcr.model.AppState;
import dev.mcr.model.NotifyProfile;
import dev.mcr.model.Runner;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.mcr.crypto.SecretMasking.SECRET_SET;
import static org.assertj.core.api.Assertions.assertThat;

class SecretMaskingTest {

    private static NotifyProfile profile(String id, boolean active, int failures, int sent, String... config) {
        Map<String, String> cfg = new LinkedHashMap<>();
        for (int i = 0; i < config.length; i += 2) {
            cfg.put(config[i], config[i + 1]);
        }
        return new NotifyProfile(id, "name " + id, NotifyProfile.TYPE_PUSHOVER, active, failures, sent, cfg, Map.of());
    }

    private static AppState state(NotifyProfile... profiles) {
        return new AppState(List.of(profiles), List.of(), List.of(), List.of(), Map.of());
    }

    private static NotifyProfile only(AppState s, String id) {
        return s.profile(id).orElseThrow();
    }

    @Test
    void mask_replaces_every_non_empty_secret_and_leaves_empty_ones_empty() {
        AppState s = state(
                profile("notify_a", true, 0, 0, "user_key", "uKEY", "api_token", ""),
                profile("notify_b", true, 0, 0, "user_key", "", "api_token", "aTOKEN"));
        AppState masked = SecretMasking.mask(s);
        assertThat(only(masked, "notify_a").config()).containsEntry("user_key", SECRET_SET).containsEntry("api_token", "");
        assertThat(only(masked, "notify_b").config()).containsEntry("user_key", "").containsEntry("api_token", SECRET_SET);
        assertThat(only(s, "notify_a").configValue("user_key")).as("the input is unchanged").isEqualTo("uKEY");
    }

    @Test
    void mask_treats_config_keys_named_like_secrets_the_same_way_for_future_channels() {
        AppState s = state(profile("notify_x", true, 0, 0,
                "password", "p1", "webhook_secret", "s1", "smtp_pass", "p2", "bot_token", "t1", "API_KEY", "k1",
                "server_url", "https://example.org", "topic", "alerts"));
        Map<String, String> cfg = only(SecretMasking.mask(s), "notify_x").config();
        assertThat(cfg).containsEntry("password", SECRET_SET).containsEntry("webhook_secret", SECRET_SET)
                .containsEntry("smtp_pass", SECRET_SET).containsEntry("bot_token", SECRET_SET)
                .containsEntry("API_KEY", SECRET_SET)
                .containsEntry("server_url", "https://example.org").containsEntry("topic", "alerts");
    }

    @Test
    void mask_hides_the_original_top_level_legacy_credentials_and_keeps_the_rest() {
        Runner r = Runner.builder("runner_a").command("echo hi").build();
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("pushover_user_key", "uLEGACY");
        extra.put("pushover_api_token", "");
        extra.put("theme", "dark");
        AppState s = new AppState(List.of(), List.of(r), List.of(), List.of(), extra);
        AppState masked = SecretMasking.mask(s);
        assertThat(masked.extra()).containsEntry("pushover_user_key", SECRET_SET)
                .containsEntry("pushover_api_token", "").containsEntry("theme", "dark");
        assertThat(masked.runners()).containsExactly(r);
    }

    @Test
    void merge_keeps_the_stored_secret_for_the_mask_marker_matched_by_profile_id() {
        AppState stored = state(
                profile("notify_a", true, 0, 0, "user_key", "uA", "api_token", "tA"),
                profile("notify_b", true, 0, 0, "user_key", "uB", "api_token", "tB"));
        AppState incoming = state(
                profile("notify_b", true, 0, 0, "user_key", SECRET_SET, "api_token", SECRET_SET),
                profile("notify_a", true, 0, 0, "user_key", SECRET_SET, "api_token", SECRET_SET));
        AppState merged = SecretMasking.mergeIncoming(incoming, stored);
        assertThat(merged.notifyProfiles()).extracting(NotifyProfile::id).containsExactly("notify_b", "notify_a");
        assertThat(only(merged, "notify_a").config()).containsEntry("user_key", "uA").containsEntry("api_token", "tA");
        assertThat(only(merged, "notify_b").config()).containsEntry("user_key", "uB").containsEntry("api_token", "tB");
    }

    @Test
    void merge_gives_a_new_profile_an_empty_secret_for_the_mask_marker() {
        AppState merged = SecretMasking.mergeIncoming(
                state(profile("notify_new", true, 0, 0, "user_key", SECRET_SET, "api_token", "tNEW")),
                state(profile("notify_old", true, 0, 0, "user_key", "uOLD", "api_token", "tOLD")));
        assertThat(only(merged, "notify_new").config()).containsEntry("user_key", "").containsEntry("api_token", "tNEW");
    }

    @Test
    void merge_replaces_a_secret_with_a_new_value_and_clears_it_with_an_empty_one() {
        AppState stored = state(profile("notify_a", true, 0, 0, "user_key", "uOLD", "api_token", "tOLD"));
        AppState merged = SecretMasking.mergeIncoming(
                state(profile("notify_a", true, 0, 0, "user_key", "uNEW", "api_token", "")), stored);
        assertThat(only(merged, "notify_a").config()).containsEntry("user_key", "uNEW").containsEntry("api_token", "");
    }

    @Test
    void merge_keeps_the_server_owned_counters_whatever_the_client_sends() {
        AppState stored = state(profile("notify_a", true, 2, 40, "user_key", "u", "api_token", "t"));
        AppState merged = SecretMasking.mergeIncoming(
                state(profile("notify_a", true, 0, 3, "user_key", SECRET_SET, "api_token", SECRET_SET)), stored);
        NotifyProfile p = only(merged, "notify_a");
        assertThat(p.failureCount()).isEqualTo(2);
        assertThat(p.sentCount()).isEqualTo(40);
    }

    @Test
    void merge_resets_failures_when_a_save_turns_an_inactive_profile_active() {
        AppState stored = state(profile("notify_a", false, 3, 40, "user_key", "u", "api_token", "t"));
        NotifyProfile reactivated = only(SecretMasking.mergeIncoming(
                state(profile("notify_a", true, 3, 40, "user_key", SECRET_SET, "api_token", SECRET_SET)), stored), "notify_a");
        assertThat(reactivated.active()).isTrue();
        assertThat(reactivated.failureCount()).isZero();
        assertThat(reactivated.sentCount()).isEqualTo(40);

        NotifyProfile stillInactive = only(SecretMasking.mergeIncoming(
                state(profile("notify_a", false, 0, 0, "user_key", SECRET_SET)), stored), "notify_a");
        assertThat(stillInactive.active()).isFalse();
        assertThat(stillInactive.failureCount()).isEqualTo(3);
    }

    @Test
    void merge_keeps_failures_when_an_active_profile_stays_active_or_is_deactivated() {
        AppState stored = state(profile("notify_a", true, 2, 5, "user_key", "u"));
        assertThat(only(SecretMasking.mergeIncoming(state(profile("notify_a", true, 0, 0)), stored), "notify_a")
                .failureCount()).isEqualTo(2);
        NotifyProfile off = only(SecretMasking.mergeIncoming(state(profile("notify_a", false, 0, 0)), stored), "notify_a");
        assertThat(off.active()).isFalse();
        assertThat(off.failureCount()).isEqualTo(2);
    }

    @Test
    void merge_starts_new_profiles_with_zero_counters() {
        NotifyProfile p = only(SecretMasking.mergeIncoming(
                state(profile("notify_new", true, 5, 99, "user_key", "u")), null), "notify_new");
        assertThat(p.failureCount()).isZero();
        assertThat(p.sentCount()).isZero();
    }

    @Test
    void merge_keeps_a_stored_top_level_legacy_credential_for_the_mask_marker() {
        Map<String, Object> storedExtra = Map.of("pushover_user_key", "uLEGACY");
        Map<String, Object> incomingExtra = Map.of("pushover_user_key", SECRET_SET, "pushover_api_token", SECRET_SET);
        AppState merged = SecretMasking.mergeIncoming(
                new AppState(List.of(), List.of(), List.of(), List.of(), incomingExtra),
                new AppState(List.of(), List.of(), List.of(), List.of(), storedExtra));
        assertThat(merged.extra()).containsEntry("pushover_user_key", "uLEGACY").containsEntry("pushover_api_token", "");
    }

    @Test
    void a_masked_state_sent_back_unchanged_restores_every_stored_secret() {
        AppState stored = state(
                profile("notify_a", true, 1, 9, "user_key", "uA", "api_token", "tA", "server_url", "https://x"),
                profile("notify_b", false, 3, 0, "user_key", "", "api_token", "tB"));
        AppState roundTrip = SecretMasking.mergeIncoming(SecretMasking.mask(stored), stored);
        assertThat(roundTrip).isEqualTo(stored);
    }

    @Test
    void secret_key_names_are_recognised_case_insensitively() {
        assertThat(SecretMasking.isSecretKey("user_key")).isTrue();
        assertThat(SecretMasking.isSecretKey("api_token")).isTrue();
        assertThat(SecretMasking.isSecretKey("Password")).isTrue();
        assertThat(SecretMasking.isSecretKey("client_SECRET")).isTrue();
        assertThat(SecretMasking.isSecretKey("name")).isFalse();
        assertThat(SecretMasking.isSecretKey("url")).isFalse();
        assertThat(SecretMasking.isSecretKey(null)).isFalse();
    }
}
