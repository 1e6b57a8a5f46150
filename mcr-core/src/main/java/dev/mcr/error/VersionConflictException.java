package dev.mcr.error;

/**
 * A change was based on a version of an object that is no longer its current one: someone else changed (or created,
 * or deleted) it meanwhile. Nothing was written. Fetch the current object, carried here, and apply the change again.
 *
 * <p>The HTTP mapping of the original tool's style is 409 with {@code {"detail": <message>, "current": <current>}}.
 */
public class VersionConflictException extends McrException {
    private static final long serialVersionUID = 1L;
    private final String kind;
    private final String id;
    private final long expectedVersion;
    private final long currentVersion;
    private final String currentJson;

    /**
     * Creates the exception for a change of an object.
     *
     * @param kind            the kind: {@code runner}, {@code group}, {@code profile}, {@code layout} or {@code extra}
     * @param id              the object's id ({@code ""} for the layout)
     * @param expectedVersion the version the change was based on (0: the object was expected not to exist)
     * @param currentVersion  the version stored now (0: the object does not exist)
     * @param currentJson     the stored object as a client sees it (secrets masked, with its {@code version}), or
     *                        {@code null} when it does not exist or is not known here
     */
    public VersionConflictException(String kind, String id, long expectedVersion, long currentVersion,
                                    String currentJson) {
        super(message(kind, id, expectedVersion, currentVersion));
        this.kind = kind;
        this.id = id;
        this.expectedVersion = expectedVersion;
        this.currentVersion = currentVersion;
        this.currentJson = currentJson;
    }

    private static String message(String kind, String id, long expected, long current) {
        String what = id == null || id.isEmpty() ? "The " + kind : "The " + kind + " '" + id + "'";
        if (expected == 0) {
            return what + " already exists (version " + current + "); load it and change that version instead.";
        }
        if (current == 0) {
            return what + " no longer exists; it was deleted after version " + expected + " was loaded.";
        }
        return what + " was changed meanwhile: the change is based on version " + expected + ", but version "
                + current + " is stored. Load the current version and apply the change to it.";
    }

    /**
     * Returns a copy that carries the current object as a client sees it.
     *
     * @param json the current object's JSON (secrets masked, with its version), or {@code null}
     * @return the new exception, with the same message and versions
     */
    public VersionConflictException withCurrentJson(String json) {
        VersionConflictException e = new VersionConflictException(kind, id, expectedVersion, currentVersion, json);
        e.setStackTrace(getStackTrace());
        return e;
    }

    /** Returns the kind: {@code runner}, {@code group}, {@code profile}, {@code layout} or {@code extra}. */
    public String kind() {
        return kind;
    }

    /** Returns the object's id ({@code ""} for the layout). */
    public String id() {
        return id;
    }

    /** Returns the version the change was based on (0: the object was expected not to exist). */
    public long expectedVersion() {
        return expectedVersion;
    }

    /** Returns the version stored now (0: the object does not exist). */
    public long currentVersion() {
        return currentVersion;
    }

    /**
     * Returns the stored object as a client sees it: its JSON with secrets masked and its {@code version}.
     *
     * @return the JSON, or {@code null} when the object does not exist (or the store that threw does not know it)
     */
    public String currentJson() {
        return currentJson;
    }
}
