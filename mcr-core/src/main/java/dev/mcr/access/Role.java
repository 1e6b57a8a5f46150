package dev.mcr.access;

import java.util.Locale;

/** What a user or token may do; each role may do everything the roles before it may. */
public enum Role {
    /** Sees everything except secrets; changes nothing, cannot run or stop. */
    VIEWER,
    /** A viewer who may also run and stop runners and groups and acknowledge alerts. */
    OPERATOR,
    /** An operator who may also create, edit, delete, clone and import runners, groups and cases. */
    EDITOR,
    /** Everything: services and their secrets, users, tokens, keys, the audit log. */
    ADMIN;

    /**
     * Returns the name in lower case, as the API and the store write it.
     *
     * @return for example {@code operator}
     */
    public String json() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Whether this role may do what {@code needed} may.
     *
     * @param needed the role an action needs
     * @return true when this role is {@code needed} or above it
     */
    public boolean covers(Role needed) {
        return compareTo(needed) >= 0;
    }

    /**
     * Reads a role's name.
     *
     * @param text {@code viewer}, {@code operator}, {@code editor} or {@code admin} (any case)
     * @return the role
     * @throws IllegalArgumentException with a sentence listing the roles, for anything else
     */
    public static Role parse(String text) {
        if (text != null) {
            for (Role r : values()) {
                if (r.json().equals(text.strip().toLowerCase(Locale.ROOT))) {
                    return r;
                }
            }
        }
        throw new IllegalArgumentException("The role must be one of viewer, operator, editor, admin.");
    }
}
