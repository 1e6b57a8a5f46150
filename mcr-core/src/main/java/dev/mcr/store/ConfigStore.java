package dev.mcr.store;

import dev.mcr.error.McrException;
import dev.mcr.error.VersionConflictException;
import java.util.List;
import java.util.Optional;

/**
 * The configured objects, each with a version that goes up by one per committed change, and their history.
 *
 * <p>Documents are JSON text in the state's form (see {@link StoredObject}); the store does not interpret them, except
 * that it keeps a profile's {@code failure_count} and {@code sent_count} apart ({@link #setCounters}) and writes its
 * own values of them into the profile documents it returns. Secrets arrive encrypted and are returned as given.
 */
public interface ConfigStore {

    /** How many versions of each object {@link #history} keeps at least. */
    int HISTORY_LIMIT = 100;

    /**
     * Reads everything in one transaction, each kind in its stored order.
     *
     * @return the stored configuration
     * @throws McrException when the store cannot be read
     */
    StoredConfig load();

    /**
     * Applies changes atomically, in the given order: puts, deletes and orders of any kinds. Each put or delete must be
     * based on the object's current version (0: it must not exist); otherwise nothing is written. A put of a profile
     * also sets its counters from the document's {@code failure_count} and {@code sent_count}.
     *
     * @param changes the changes; an empty list writes nothing
     * @return what each put and delete did, in order (orders change no version and are not listed)
     * @throws VersionConflictException when a change is based on another version; nothing is written then
     * @throws McrException             when the write fails; nothing is written then
     */
    List<CommittedChange> commit(List<ConfigChange> changes);

    /**
     * Returns the versions of an object, newest first: the current one, earlier ones and tombstones of deletions. The
     * newest {@value #HISTORY_LIMIT} are kept at least.
     *
     * @param kind  the kind
     * @param id    the id ({@code ""} for the layout and the extra keys)
     * @param limit at most this many, at least 1
     * @return the versions; empty for an object that never existed
     * @throws McrException when the store cannot be read
     */
    List<ObjectVersion> history(ConfigKind kind, String id, int limit);

    /**
     * Sets a profile's counters in place: no new version, no history, nothing else rewritten.
     *
     * @param profileId the profile
     * @param sent      successful deliveries
     * @param failures  consecutive failures
     * @return whether the profile exists
     * @throws McrException when the write fails
     */
    boolean setCounters(String profileId, int sent, int failures);

    /**
     * Returns the whole-state document this store keeps for other programs when one of them changed it since the store
     * last wrote it (SQLite: the original tool's {@code state} row, also the only content of a data folder from before
     * versions existed). A store that keeps no such document returns empty.
     *
     * @return the changed document, or empty when nothing changed it
     * @throws McrException when the store cannot be read, or an unreadable document cannot be backed up
     */
    Optional<ForeignDocument> foreignDocument();

    /**
     * Commits the changes that take a {@link #foreignDocument() foreign document} over, like {@link #commit}, and makes
     * the document the store's own again: it is left as it is, or replaced by {@code rewrite} (for example with its
     * plaintext credentials encrypted), and no longer reported as foreign.
     *
     * @param changes the changes
     * @param seen    the document as {@link #foreignDocument()} returned it
     * @param rewrite the text to store instead, or {@code null} to leave the stored bytes as they are
     * @return what each put and delete did, in order
     * @throws VersionConflictException when a change is based on another version; nothing is written then
     * @throws McrException             when the write fails; nothing is written then
     */
    List<CommittedChange> adopt(List<ConfigChange> changes, ForeignDocument seen, String rewrite);

    /**
     * Passes every stored document through a rewrite and stores what it changed, in one transaction and without new
     * versions: the current object of every kind, every earlier version in the history, and the whole-state document
     * kept for other programs (rebuilt from the rewritten current objects; take a {@link #foreignDocument() foreign
     * document} over first). Meant for a key rotation, where what the documents say stays the same and only the form of
     * their secrets changes.
     *
     * @param rewrite gets each document and returns it as it is or changed
     * @return how many documents changed
     * @throws McrException when the write fails; nothing is written then, nor when the rewrite throws (its exception
     *                      is passed on)
     */
    int rewriteDocuments(DocumentRewrite rewrite);

    /** A rewrite of stored documents; see {@link #rewriteDocuments}. */
    @FunctionalInterface
    interface DocumentRewrite {
        /**
         * Returns a stored document as it is or changed.
         *
         * @param kind    the kind of object
         * @param id      its id ({@code ""} for the layout and the extra keys)
         * @param current whether this is the current document (otherwise an earlier version in the history)
         * @param json    the stored text
         * @return the text to store
         */
        String rewrite(ConfigKind kind, String id, boolean current, String json);
    }
}
