package dev.mcr.store;

/**
 * The kinds of configured objects a {@link ConfigStore} keeps, each with its own versions.
 *
 * <p>Runners, groups and profiles are many objects each, identified by their ids. The layout (the display order,
 * a JSON array) and the extra top-level keys of the state (a JSON object of keys this version does not know) are
 * one object each, with the id {@code ""}.
 */
public enum ConfigKind {
    /** A runner: one object of the state's {@code runners} list. */
    RUNNER("runner", "runners"),
    /** A group: one object of the state's {@code runner_groups} list. */
    GROUP("group", "runner_groups"),
    /** A notification profile: one object of the state's {@code notify_profiles} list. */
    PROFILE("profile", "notify_profiles"),
    /** The display order: the state's {@code runner_layout} array, one object with the id {@code ""}. */
    LAYOUT("layout", "runner_layout"),
    /** The state's unknown top-level keys as one JSON object, with the id {@code ""}. */
    EXTRA("extra", null);

    /** The id of the single object of {@link #LAYOUT} and {@link #EXTRA}. */
    public static final String SINGLE_ID = "";

    private final String json;
    private final String stateKey;

    ConfigKind(String json, String stateKey) {
        this.json = json;
        this.stateKey = stateKey;
    }

    /**
     * Returns the kind's name in JSON (events, errors): {@code runner}, {@code group}, {@code profile},
     * {@code layout} or {@code extra}.
     *
     * @return the name
     */
    public String json() {
        return json;
    }

    /**
     * Returns the key of the state document that holds this kind's objects, for example {@code runners}; {@code null}
     * for {@link #EXTRA}, whose keys are the document's own.
     *
     * @return the key, or {@code null}
     */
    public String stateKey() {
        return stateKey;
    }

    /**
     * Tells whether the kind has one object only ({@link #LAYOUT}, {@link #EXTRA}), with the id {@value #SINGLE_ID}.
     *
     * @return true for the layout and the extra keys
     */
    public boolean single() {
        return this == LAYOUT || this == EXTRA;
    }

    /**
     * Finds a kind by its JSON name.
     *
     * @param json {@code runner}, {@code group}, {@code profile}, {@code layout} or {@code extra}
     * @return the kind
     * @throws IllegalArgumentException for any other name
     */
    public static ConfigKind ofJson(String json) {
        for (ConfigKind k : values()) {
            if (k.json.equals(json)) {
                return k;
            }
        }
        throw new IllegalArgumentException("Unknown kind '" + json + "'; use runner, group, profile, layout or extra.");
    }
}
