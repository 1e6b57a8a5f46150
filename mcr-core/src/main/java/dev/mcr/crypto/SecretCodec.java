package dev.mcr.crypto;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Encrypts the secrets of configured objects before they go to the store and decrypts them after a load, so that the
 * store only ever sees {@code enc:v1:} tokens. A secret is a text value of a profile's {@code config} that its channel
 * type declares secret ({@link SecretFields}), or a top-level value whose key {@link SecretMasking#isSecretKey} names
 * a secret (the extra keys of the state); or the
 * {@code value} of a runner's {@code env} entry marked {@code "secret": true}, and a heartbeat runner's
 * {@code heartbeat.ping_token}.
 *
 * <p>Fernet tokens differ at every encryption; to keep the stored document of an unchanged secret unchanged (and the
 * original's tokens byte for byte), the codec remembers the token of each secret it decrypted or encrypted and reuses
 * it while the plaintext is the same. A token that cannot be decrypted (another key) reads as {@code ""} and is kept
 * as it is while the value stays empty. Not thread-safe: the facade calls it under its state lock.
 */
public final class SecretCodec {

    private final CredentialCipher cipher;
    private final SecretFields secrets;
    /** slot to the last known pair of plaintext and token. */
    private final Map<String, String[]> known = new HashMap<>();

    /**
     * Creates a codec.
     *
     * @param cipher the data folder's cipher
     */
    public SecretCodec(CredentialCipher cipher) {
        this(cipher, SecretFields.BY_NAME);
    }

    /**
     * Creates a codec that knows the secret fields the channel types declare.
     *
     * @param cipher  the data folder's cipher
     * @param secrets which profile config values are secrets
     */
    public SecretCodec(CredentialCipher cipher, SecretFields secrets) {
        this.cipher = Objects.requireNonNull(cipher, "cipher");
        this.secrets = Objects.requireNonNull(secrets, "secrets");
    }

    /**
     * Forgets the tokens it remembers; called after the stored tokens were replaced (a key rotation), so that an
     * unchanged secret is not written back with its old token.
     */
    public void forget() {
        known.clear();
    }

    /** Visits a secret value and returns its replacement. */
    @FunctionalInterface
    private interface Rewrite {
        String apply(String slot, String value);
    }

    /**
     * Returns a copy of a profile document with its secrets encrypted.
     *
     * @param profileId the profile's id
     * @param profile   the document with plaintext secrets ({@code enc:v1:} values are kept as they are)
     * @return the copy to store
     */
    public ObjectNode encodeProfile(String profileId, ObjectNode profile) {
        ObjectNode copy = profile.deepCopy();
        if (copy.get("config") instanceof ObjectNode cfg) {
            rewrite(cfg, "profile\u0000" + profileId + "\u0000", profileSecrets(copy), this::encrypt);
        }
        return copy;
    }

    /**
     * Returns a copy of a runner document with the values of its secret variables encrypted.
     *
     * @param runnerId the runner's id
     * @param runner   the document with plaintext values ({@code enc:v1:} values are kept as they are)
     * @return the copy to store
     */
    public ObjectNode encodeRunner(String runnerId, ObjectNode runner) {
        ObjectNode copy = runner.deepCopy();
        rewriteEnv(copy, runnerSlot(runnerId), this::encrypt);
        return copy;
    }

    /**
     * Returns a copy of a stored runner document with the values of its secret variables decrypted.
     *
     * @param runnerId the runner's id
     * @param runner   the stored document
     * @return the plaintext copy
     */
    public ObjectNode decodeRunner(String runnerId, ObjectNode runner) {
        ObjectNode copy = runner.deepCopy();
        rewriteEnv(copy, runnerSlot(runnerId), this::decrypt);
        return copy;
    }

    /**
     * Returns a copy of the extra top-level keys with their secrets encrypted.
     *
     * @param extra the keys with plaintext secrets
     * @return the copy to store
     */
    public ObjectNode encodeExtra(ObjectNode extra) {
        ObjectNode copy = extra.deepCopy();
        rewrite(copy, "top\u0000", SecretMasking::isSecretKey, this::encrypt);
        return copy;
    }

    /**
     * Returns a copy of a stored profile document with its secrets decrypted; a value that cannot be decrypted reads
     * as {@code ""} (and is logged by the cipher), a value without the prefix (plaintext of old versions) as it is.
     *
     * @param profileId the profile's id
     * @param profile   the stored document
     * @return the plaintext copy
     */
    public ObjectNode decodeProfile(String profileId, ObjectNode profile) {
        ObjectNode copy = profile.deepCopy();
        if (copy.get("config") instanceof ObjectNode cfg) {
            rewrite(cfg, "profile\u0000" + profileId + "\u0000", profileSecrets(copy), this::decrypt);
        }
        return copy;
    }

    /**
     * Returns a copy of the stored extra keys with their secrets decrypted.
     *
     * @param extra the stored keys
     * @return the plaintext copy
     */
    public ObjectNode decodeExtra(ObjectNode extra) {
        ObjectNode copy = extra.deepCopy();
        rewrite(copy, "top\u0000", SecretMasking::isSecretKey, this::decrypt);
        return copy;
    }

    /**
     * Returns a copy of a whole state document (the original's form) with every secret decrypted.
     *
     * @param state the document as stored
     * @return the plaintext copy
     */
    public ObjectNode decodeState(ObjectNode state) {
        ObjectNode copy = state.deepCopy();
        visitState(copy, this::decrypt);
        return copy;
    }

    /**
     * Counts the secrets of a whole state document that are stored in plaintext (the original before encryption).
     *
     * @param state the document as stored
     * @return how many non-empty secrets lack the {@code enc:v1:} prefix
     */
    public int countPlaintext(ObjectNode state) {
        int[] n = {0};
        visitState(state.deepCopy(), (slot, v) -> {
            if (!v.isEmpty() && !CredentialCipher.isEncrypted(v)) {
                n[0]++;
            }
            return v;
        });
        return n[0];
    }

    /**
     * Returns a copy of a whole state document with its plaintext secrets encrypted and everything else as it was
     * (tokens stay byte for byte; a stored mask marker, which is never a credential, becomes {@code ""}).
     *
     * @param state the document as stored
     * @return the copy
     */
    public ObjectNode encryptPlaintext(ObjectNode state) {
        ObjectNode copy = state.deepCopy();
        visitState(copy, (slot, v) -> {
            if (v.isEmpty() || CredentialCipher.isEncrypted(v)) {
                return v;
            }
            return SecretMasking.SECRET_SET.equals(v) ? "" : encrypt(slot, v);
        });
        return copy;
    }

    private String encrypt(String slot, String value) {
        if (value.isEmpty()) {
            // A token that could not be decrypted (another key) reads as empty; it is kept until a new value is
            // entered, so that the right key brings it back.
            String[] pair = known.get(slot);
            return pair != null && pair[0].isEmpty() ? pair[1] : value;
        }
        if (CredentialCipher.isEncrypted(value)) {
            return value;
        }
        if (SecretMasking.SECRET_SET.equals(value)) {
            // The mask marker is never a credential; the layer above replaces it before anything is stored.
            return "";
        }
        String[] pair = known.get(slot);
        if (pair != null && pair[0].equals(value)) {
            return pair[1];
        }
        String token = cipher.encrypt(value);
        known.put(slot, new String[] {value, token});
        return token;
    }

    private String decrypt(String slot, String value) {
        if (value.isEmpty()) {
            return value;
        }
        if (!CredentialCipher.isEncrypted(value)) {
            // Plaintext of the original before encryption; the mask marker was never a credential.
            return SecretMasking.SECRET_SET.equals(value) ? "" : value;
        }
        String plain = cipher.decrypt(value);
        known.put(slot, new String[] {plain, value});
        return plain;
    }

    private void visitState(ObjectNode root, Rewrite fn) {
        rewrite(root, "top\u0000", SecretMasking::isSecretKey, fn);
        if (root.get("runners") instanceof ArrayNode runners) {
            for (JsonNode r : runners) {
                if (r instanceof ObjectNode runner) {
                    JsonNode idNode = runner.get("id");
                    rewriteEnv(runner, runnerSlot(idNode == null || idNode.isNull() ? "" : idNode.asText().strip()),
                            fn);
                }
            }
        }
        JsonNode profiles = root.get("notify_profiles");
        if (profiles == null || !profiles.isArray()) {
            return;
        }
        for (JsonNode p : profiles) {
            if (!(p instanceof ObjectNode) || !(p.get("config") instanceof ObjectNode cfg)) {
                continue;
            }
            JsonNode idNode = p.get("id");
            String profileId = idNode == null || idNode.isNull() ? "" : idNode.asText().strip();
            rewrite(cfg, "profile\u0000" + profileId + "\u0000", profileSecrets((ObjectNode) p), fn);
        }
    }

    /** The heartbeat key whose value is a secret (encrypted at rest like a secret variable). */
    private static final String PING_TOKEN = "ping_token";

    private static String runnerSlot(String runnerId) {
        return "runner\u0000" + runnerId + "\u0000";
    }

    /** Rewrites a runner's secrets: the values of its secret variables and its heartbeat ping token. */
    private static void rewriteEnv(ObjectNode runner, String slotPrefix, Rewrite fn) {
        if (runner.get("heartbeat") instanceof ObjectNode hb) {
            rewrite(hb, slotPrefix + "\u0000heartbeat\u0000", PING_TOKEN::equals, fn);
        }
        if (!(runner.get("env") instanceof ArrayNode env)) {
            return;
        }
        for (JsonNode e : env) {
            if (e instanceof ObjectNode v && SecretMasking.isSecretEnvEntry(v)) {
                String old = v.get("value").textValue();
                String now = fn.apply(slotPrefix + v.path("name").asText(""), old);
                if (!now.equals(old)) {
                    v.put("value", now);
                }
            }
        }
    }

    /** The secret keys of a profile document's config, by its type. */
    private java.util.function.Predicate<String> profileSecrets(ObjectNode profile) {
        JsonNode t = profile.get("type");
        String type = t != null && t.isTextual() ? t.textValue().strip().toLowerCase(java.util.Locale.ROOT) : "pushover";
        return key -> secrets.isSecret(type, key);
    }

    private static void rewrite(ObjectNode obj, String slotPrefix, java.util.function.Predicate<String> isSecret,
                                Rewrite fn) {
        List<Map.Entry<String, JsonNode>> fields = new ArrayList<>(obj.properties());
        for (Map.Entry<String, JsonNode> e : fields) {
            if (isSecret.test(e.getKey()) && e.getValue().isTextual()) {
                String old = e.getValue().asText();
                String now = fn.apply(slotPrefix + e.getKey(), old);
                if (!now.equals(old)) {
                    obj.put(e.getKey(), now);
                }
            }
        }
    }
}
