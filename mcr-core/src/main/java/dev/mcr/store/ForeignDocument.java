package dev.mcr.store;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The whole-state document of a store that keeps one for other programs (SQLite: the original tool's {@code state}
 * row), as found when another program changed it since the store last wrote it.
 *
 * @param json   the document's text, or {@code null} when it is not a readable JSON object
 * @param backup where the store copied the stored bytes because they were unreadable (or not UTF-8), or {@code null}
 * @param token  identifies the stored bytes; hand it back to {@link ConfigStore#adopt} unchanged
 */
public record ForeignDocument(String json, Path backup, String token) {

    /**
     * Checks the token.
     *
     * @param json   the text, or {@code null}
     * @param backup the backup, or {@code null}
     * @param token  the identity of the stored bytes
     */
    public ForeignDocument {
        Objects.requireNonNull(token, "token");
    }

    /**
     * Tells whether the document could be read.
     *
     * @return true when {@link #json()} holds a JSON object
     */
    public boolean readable() {
        return json != null;
    }
}
