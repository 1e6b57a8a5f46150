package dev.mcr.crypto;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Brings the encrypted values of stored documents under the cipher's first key, for a key rotation, and counts what
 * it did. Every text value with the {@code enc:v1:} prefix counts, at any depth and under any key name, so that the
 * secrets of every kind of object are covered, also those a later version adds. A value that no key decrypts is left
 * as it is and reported by where it is, never by its value. Not thread-safe: one rotation at a time.
 */
public final class Reencryption {

    private final CredentialCipher cipher;
    private int reencrypted;
    private int current;
    private final List<String> unreadable = new ArrayList<>();

    /**
     * Starts a rotation.
     *
     * @param cipher the cipher with the new key first and the old ones after it
     */
    public Reencryption(CredentialCipher cipher) {
        this.cipher = Objects.requireNonNull(cipher, "cipher");
    }

    /**
     * Re-encrypts the values of one document in place.
     *
     * @param doc   the parsed document; changed in place
     * @param owner who the document belongs to, for the report (for example {@code service "Pushover"}), or
     *              {@code null} for an earlier version, which is re-encrypted but not counted
     * @return whether the document changed
     */
    public boolean apply(JsonNode doc, String owner) {
        return walk(doc, owner, "");
    }

    private boolean walk(JsonNode node, String owner, String path) {
        boolean changed = false;
        if (node instanceof ObjectNode obj) {
            List<String> names = new ArrayList<>();
            obj.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                changed |= visit(obj.get(name), owner, path.isEmpty() ? name : path + "." + name,
                        text -> obj.set(name, text));
            }
        } else if (node instanceof ArrayNode arr) {
            for (int i = 0; i < arr.size(); i++) {
                int at = i;
                changed |= visit(arr.get(i), owner, path + "[" + i + "]", text -> arr.set(at, text));
            }
        }
        return changed;
    }

    private boolean visit(JsonNode child, String owner, String path, Consumer<TextNode> replace) {
        if (!child.isTextual()) {
            return walk(child, owner, path);
        }
        Optional<String> next = next(child.asText(), owner, path);
        next.ifPresent(text -> replace.accept(TextNode.valueOf(text)));
        return next.isPresent();
    }

    /** The new text of a value, or empty when it stays as it is. */
    private Optional<String> next(String value, String owner, String path) {
        if (!CredentialCipher.isEncrypted(value)) {
            return Optional.empty();
        }
        Optional<String> token = cipher.reencrypt(value);
        if (token.isEmpty()) {
            if (owner != null) {
                unreadable.add(owner + ": " + path);
            }
            return Optional.empty();
        }
        if (token.get().equals(value)) {
            if (owner != null) {
                current++;
            }
            return Optional.empty();
        }
        if (owner != null) {
            reencrypted++;
        }
        return token;
    }

    /** Returns how many current values were re-encrypted under the first key. */
    public int reencrypted() {
        return reencrypted;
    }

    /** Returns how many current values the first key already encrypted. */
    public int current() {
        return current;
    }

    /** Returns where the current values are that no key decrypts ({@code <owner>: <path>}), in the order found. */
    public List<String> unreadable() {
        return List.copyOf(unreadable);
    }
}
