package dev.mcr.model;

import java.util.Locale;

/** The state a case carries when it matches; drives the alert policy. */
public enum CaseState {
    /** The watched thing is fine. */
    UP,
    /** The watched thing is broken. */
    DOWN,
    /** The watched thing degrades. */
    WARN,
    /** Informational; not repeated while unchanged. */
    INFO,
    /** Stops the group sequence the runner belongs to. */
    STOP,
    /** No state: every match is sent as is. Its JSON form is the empty string. */
    NONE;

    /** Returns the JSON form: the upper-case name, or {@code ""} for {@link #NONE}. */
    public String json() {
        return this == NONE ? "" : name();
    }

    /**
     * Parses a state the way the original does: trimmed, upper-cased, anything unknown is {@link #NONE}.
     *
     * @param raw any text, may be {@code null}
     * @return the state, never {@code null}
     */
    public static CaseState parse(String raw) {
        if (raw == null) {
            return NONE;
        }
        String s = raw.trim().toUpperCase(Locale.ROOT);
        for (CaseState c : values()) {
            if (c != NONE && c.name().equals(s)) {
                return c;
            }
        }
        return NONE;
    }
}
