package dev.mcr.crypto;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.macasaet.fernet.Key;
import com.macasaet.fernet.Token;
import dev.mcr.error.McrException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class CredentialCipherTest {

    private static JsonNode fixtures;

    @TempDir
    Path dir;

    @BeforeAll
    static void loadVectors() throws Exception {
        try (InputStream in = CredentialCipherTest.class.getResourceAsStream("/fernet/vectors.json")) {
            fixtures = new ObjectMapper().readTree(in);
        }
    }

    private static List<JsonNode> list(String name) {
        List<JsonNode> out = new ArrayList<>();
        fixtures.get(name).forEach(out::add);
        assertThat(out).as("fixture list " + name).isNotEmpty();
        return out;
    }

    @Test
    void tokens_made_by_python_decrypt_including_unicode_empty_old_and_future_ones() {
        List<JsonNode> vectors = list("vectors");
        assertThat(vectors).extracting(v -> v.get("minted_at").asLong())
                .as("the fixture has a token minted in 2015 and one minted in 2100")
                .contains(1420070400L, 4102444800L);
        for (JsonNode v : vectors) {
            CredentialCipher cipher = CredentialCipher.ofKey(v.get("key").asText());
            assertThat(cipher.decrypt(CredentialCipher.PREFIX + v.get("token").asText()))
                    .as(v.get("note").asText())
                    .isEqualTo(v.get("plaintext").asText());
        }
    }

    @Test
    void a_passphrase_derives_the_same_key_as_python() {
        for (JsonNode v : list("passphrases")) {
            CredentialCipher fromPassphrase = CredentialCipher.forDataDir(dir, v.get("given").asText());
            assertThat(fromPassphrase.keySource()).isEqualTo("environment passphrase");
            assertThat(fromPassphrase.decrypt(CredentialCipher.PREFIX + v.get("token").asText()))
                    .as(v.get("note").asText())
                    .isEqualTo(v.get("plaintext").asText());
            // The other way round: what the passphrase cipher writes opens with Python's derived key.
            CredentialCipher derived = CredentialCipher.ofKey(v.get("derived_key").asText());
            assertThat(derived.decrypt(fromPassphrase.encrypt("round trip ✓"))).isEqualTo("round trip ✓");
        }
        assertThat(dir.resolve(CredentialCipher.KEY_FILE_NAME)).doesNotExist();
    }

    @Test
    void deciding_between_key_and_passphrase_follows_pythons_lenient_base64() {
        for (JsonNode v : list("key_detection")) {
            String text = v.get("text").asText();
            CredentialCipher cipher = CredentialCipher.forDataDir(dir, text);
            assertThat(cipher.keySource())
                    .as("source for %s", text)
                    .isEqualTo(v.get("is_key").asBoolean() ? "environment key" : "environment passphrase");
            assertThat(cipher.decrypt(CredentialCipher.PREFIX + v.get("token").asText()))
                    .as("decrypting with the key Python derives from %s", text)
                    .isEqualTo(v.get("plaintext").asText());
        }
    }

    @Test
    void tokens_made_in_java_decrypt_in_python() throws Exception {
        assumeTrue(PythonFernet.available(), PythonFernet.UNAVAILABLE);
        String key = list("vectors").get(0).get("key").asText();
        CredentialCipher cipher = CredentialCipher.ofKey(key);
        List<String> plaintexts = List.of("uQiRzpo4DXghDmr9QzzfQu27cmVRsG", "Grüße – 🚀 ключ 秘密", "x".repeat(5000));
        List<String> tokens = new ArrayList<>();
        for (String p : plaintexts) {
            String stored = cipher.encrypt(p);
            assertThat(stored).startsWith(CredentialCipher.PREFIX);
            tokens.add(stored.substring(CredentialCipher.PREFIX.length()));
        }
        assertThat(PythonFernet.decrypt(key, tokens)).containsExactlyElementsOf(plaintexts);

        JsonNode phrase = list("passphrases").get(1);
        String token = CredentialCipher.forDataDir(dir, phrase.get("given").asText()).encrypt("from a passphrase")
                .substring(CredentialCipher.PREFIX.length());
        assertThat(PythonFernet.decrypt(phrase.get("derived_key").asText(), List.of(token)))
                .containsExactly("from a passphrase");
    }

    @Test
    void an_environment_key_with_whitespace_around_it_is_used_directly_and_no_key_file_is_made() {
        JsonNode v = list("vectors").get(2);
        CredentialCipher cipher = CredentialCipher.forDataDir(dir, " \t" + v.get("key").asText() + "\n");
        assertThat(cipher.keySource()).isEqualTo("environment key");
        assertThat(cipher.decrypt(CredentialCipher.PREFIX + v.get("token").asText()))
                .isEqualTo(v.get("plaintext").asText());
        assertThat(dir.resolve(CredentialCipher.KEY_FILE_NAME)).doesNotExist();
    }

    @Test
    void a_comma_separated_list_encrypts_with_the_first_key_and_decrypts_with_every_one() {
        String oldKey = Key.generateKey().serialise();
        String newKey = Key.generateKey().serialise();
        String fromOld = CredentialCipher.ofKey(oldKey).encrypt("old secret");
        String fromPhrase = CredentialCipher.forDataDir(dir, "an old passphrase").encrypt("phrase secret");

        CredentialCipher both = CredentialCipher.forDataDir(dir, " " + newKey + " , " + oldKey + ",an old passphrase ");

        assertThat(both.keyCount()).isEqualTo(3);
        assertThat(both.keySource()).isEqualTo("environment (3 keys, the first encrypts)")
                .doesNotContain(newKey, oldKey, "passphrase");
        assertThat(both.decrypt(fromOld)).isEqualTo("old secret");
        assertThat(both.decrypt(fromPhrase)).isEqualTo("phrase secret");
        String fresh = both.encrypt("new secret");
        assertThat(CredentialCipher.ofKey(newKey).decrypt(fresh)).isEqualTo("new secret");
        assertThat(CredentialCipher.ofKey(oldKey).decrypt(fresh)).isEmpty();
        assertThat(dir.resolve(CredentialCipher.KEY_FILE_NAME)).doesNotExist();
    }

    @Test
    void a_passphrase_with_commas_and_no_fernet_key_among_its_parts_stays_one_passphrase() {
        String token = CredentialCipher.forDataDir(dir, "red, green, blue").encrypt("colours");
        CredentialCipher again = CredentialCipher.forDataDir(dir, "red, green, blue");
        assertThat(again.keyCount()).isEqualTo(1);
        assertThat(again.keySource()).isEqualTo("environment passphrase");
        assertThat(again.decrypt(token)).isEqualTo("colours");
    }

    @Test
    void reencrypt_keeps_a_token_of_the_first_key_renews_one_of_an_older_key_and_reports_one_of_no_key() {
        String oldKey = Key.generateKey().serialise();
        String newKey = Key.generateKey().serialise();
        String strangerKey = Key.generateKey().serialise();
        CredentialCipher both = CredentialCipher.forDataDir(dir, newKey + "," + oldKey);
        String ofNew = both.encrypt("n");
        String ofOld = CredentialCipher.ofKey(oldKey).encrypt("o");

        assertThat(both.reencrypt(ofNew)).contains(ofNew);
        String renewed = both.reencrypt(ofOld).orElseThrow();
        assertThat(renewed).isNotEqualTo(ofOld);
        assertThat(CredentialCipher.ofKey(newKey).decrypt(renewed)).isEqualTo("o");
        assertThat(both.reencrypt(CredentialCipher.ofKey(strangerKey).encrypt("s"))).isEmpty();
        assertThat(both.reencrypt(CredentialCipher.PREFIX + "not-a-token")).isEmpty();
        assertThatThrownBy(() -> both.reencrypt("plain")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void a_key_file_may_hold_a_list_too() throws Exception {
        String oldKey = Key.generateKey().serialise();
        String newKey = Key.generateKey().serialise();
        Path dataDir = dir.resolve("data");
        Files.createDirectories(dataDir);
        Files.writeString(dataDir.resolve(CredentialCipher.KEY_FILE_NAME), newKey + "," + oldKey + "\n");
        CredentialCipher cipher = CredentialCipher.forDataDir(dataDir, null);
        assertThat(cipher.keyCount()).isEqualTo(2);
        assertThat(cipher.decrypt(CredentialCipher.ofKey(oldKey).encrypt("x"))).isEqualTo("x");
        assertThat(CredentialCipher.ofKey(newKey).decrypt(cipher.encrypt("y"))).isEqualTo("y");
    }

    @Test
    void without_an_environment_secret_a_key_file_is_created_with_mode_0600_and_reused() throws Exception {
        Path dataDir = dir.resolve("data");
        CredentialCipher first = CredentialCipher.forDataDir(dataDir, null);
        Path keyFile = dataDir.resolve(CredentialCipher.KEY_FILE_NAME);

        assertThat(keyFile).isRegularFile();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile))).isEqualTo("rw-------");
        String keyText = Files.readString(keyFile, StandardCharsets.US_ASCII);
        assertThat(keyText).hasSize(44);
        assertThat(first.keySource()).isEqualTo("key file " + keyFile.toAbsolutePath());
        try (Stream<Path> files = Files.list(dataDir)) {
            assertThat(files).as("no temporary file is left behind").containsExactly(keyFile);
        }

        CredentialCipher second = CredentialCipher.forDataDir(dataDir, "   ");
        assertThat(Files.readString(keyFile, StandardCharsets.US_ASCII)).isEqualTo(keyText);
        assertThat(second.decrypt(first.encrypt("kept across restarts"))).isEqualTo("kept across restarts");
        assertThat(CredentialCipher.ofKey(keyText).decrypt(first.encrypt("same key"))).isEqualTo("same key");
    }

    @Test
    void a_key_file_written_by_the_original_is_used() throws Exception {
        JsonNode v = list("vectors").get(0);
        Files.writeString(dir.resolve(CredentialCipher.KEY_FILE_NAME), v.get("key").asText() + "\n");
        CredentialCipher cipher = CredentialCipher.forDataDir(dir, null);
        assertThat(cipher.decrypt(CredentialCipher.PREFIX + v.get("token").asText()))
                .isEqualTo(v.get("plaintext").asText());
    }

    @Test
    void a_key_file_holding_a_passphrase_derives_the_key_like_python() throws Exception {
        JsonNode v = list("passphrases").get(0);
        Path keyFile = dir.resolve(CredentialCipher.KEY_FILE_NAME);
        Files.writeString(keyFile, v.get("given").asText());
        CredentialCipher cipher = CredentialCipher.forDataDir(dir, null);
        assertThat(cipher.keySource()).isEqualTo("key file " + keyFile.toAbsolutePath() + " (passphrase)");
        assertThat(cipher.decrypt(CredentialCipher.PREFIX + v.get("token").asText()))
                .isEqualTo(v.get("plaintext").asText());
    }

    @Test
    void an_empty_key_file_gets_a_new_key() throws Exception {
        Path keyFile = dir.resolve(CredentialCipher.KEY_FILE_NAME);
        Files.writeString(keyFile, " \n");
        String log = LogCapture.during(() -> CredentialCipher.forDataDir(dir, null));
        String keyText = Files.readString(keyFile, StandardCharsets.US_ASCII);
        assertThat(keyText).hasSize(44);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile))).isEqualTo("rw-------");
        assertThat(log).contains("is empty").doesNotContain(keyText);
    }

    @Test
    void a_key_file_readable_by_others_is_restricted_to_its_owner() throws Exception {
        Path keyFile = dir.resolve(CredentialCipher.KEY_FILE_NAME);
        String key = list("vectors").get(0).get("key").asText();
        Files.writeString(keyFile, key);
        Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-r--r--"));
        String log = LogCapture.during(() -> CredentialCipher.forDataDir(dir, null));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile))).isEqualTo("rw-------");
        assertThat(log).contains("WARN").contains("0600").doesNotContain(key);
    }

    @Test
    void a_data_folder_that_is_a_file_gives_a_sentence_instead_of_a_crash() throws Exception {
        Path notADir = Files.writeString(dir.resolve("file"), "x");
        assertThatThrownBy(() -> CredentialCipher.forDataDir(notADir, null))
                .isInstanceOf(McrException.class)
                .hasMessageContaining("credential key file")
                .hasMessageEndingWith(".");
    }

    @Test
    void a_wrong_key_reads_as_empty_and_logs_one_warning_without_secret_or_token() throws Exception {
        JsonNode v = list("vectors").get(0);
        String wrongKey = fixtures.get("wrong_key").asText();
        CredentialCipher wrong = CredentialCipher.ofKey(wrongKey);
        String stored = CredentialCipher.PREFIX + v.get("token").asText();
        String[] result = new String[1];

        String log = LogCapture.during(() -> result[0] = wrong.decrypt(stored));

        assertThat(result[0]).isEmpty();
        assertThat(log.lines().filter(l -> l.contains("WARN"))).hasSize(1);
        assertThat(log).contains("could not be decrypted")
                .doesNotContain(v.get("token").asText().substring(0, 20))
                .doesNotContain(v.get("plaintext").asText())
                .doesNotContain(wrongKey)
                .doesNotContain(v.get("key").asText());
    }

    @Test
    void damaged_values_after_the_prefix_read_as_empty_and_never_throw() throws Exception {
        JsonNode v = list("vectors").get(0);
        CredentialCipher cipher = CredentialCipher.ofKey(v.get("key").asText());
        String token = v.get("token").asText();
        char flipped = token.charAt(30) == 'A' ? 'B' : 'A';
        Key key = new Key(v.get("key").asText());
        String notUtf8 = Token.generate(key, new byte[] {(byte) 0xff, (byte) 0xfe}).serialise();
        List<String> damaged = List.of(
                "enc:v1:",
                "enc:v1:!!!!not base64!!!!",
                "enc:v1:gAAAA",
                "enc:v1:" + token.substring(0, token.length() - 10),
                "enc:v1:" + token.substring(0, 30) + flipped + token.substring(31),
                "enc:v1:" + notUtf8);
        String log = LogCapture.during(() -> {
            for (String d : damaged) {
                assertThat(cipher.decrypt(d)).as(d).isEmpty();
            }
        });
        assertThat(log.lines().filter(l -> l.contains("WARN"))).hasSize(damaged.size());
        assertThat(log).doesNotContain("!!!!").doesNotContain(token.substring(10, 40));
    }

    @Test
    void values_without_the_prefix_are_legacy_plaintext() {
        CredentialCipher cipher = CredentialCipher.ofKey(list("vectors").get(0).get("key").asText());
        assertThat(cipher.decrypt("uPlainUserKey")).isEqualTo("uPlainUserKey");
        assertThat(cipher.decrypt("enc:v2:something")).isEqualTo("enc:v2:something");
        assertThat(cipher.decrypt("")).isEmpty();
        assertThat(cipher.decrypt(null)).isEmpty();
    }

    @Test
    void encrypt_prefixes_a_fresh_token_and_keeps_empty_empty() {
        CredentialCipher cipher = CredentialCipher.ofKey(list("vectors").get(0).get("key").asText());
        String a = cipher.encrypt("same");
        String b = cipher.encrypt("same");
        assertThat(a).startsWith("enc:v1:gAAAAA").isNotEqualTo(b);
        assertThat(cipher.decrypt(a)).isEqualTo("same");
        assertThat(cipher.encrypt("")).isEmpty();
        assertThat(cipher.encrypt(null)).isEmpty();
        assertThat(CredentialCipher.isEncrypted(a)).isTrue();
        assertThat(CredentialCipher.isEncrypted("same")).isFalse();
        assertThat(CredentialCipher.isEncrypted(null)).isFalse();
    }

    @Test
    void an_invalid_key_is_refused_with_a_sentence_that_does_not_repeat_it() {
        String secret = "my-super-secret-passphrase";
        assertThatThrownBy(() -> CredentialCipher.ofKey(secret))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageEndingWith(".")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(secret));
        assertThatThrownBy(() -> CredentialCipher.ofKey(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void to_string_and_key_source_never_contain_the_key() {
        String key = list("vectors").get(0).get("key").asText();
        CredentialCipher cipher = CredentialCipher.forDataDir(dir, key);
        assertThat(cipher.toString()).doesNotContain(key).contains("environment key");
        assertThat(cipher.keySource()).doesNotContain(key);
    }
}
