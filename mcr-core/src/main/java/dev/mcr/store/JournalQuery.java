package dev.mcr.store;

/**
 * A filter over the notification journal; results are newest first.
 *
 * @param limit     rows to return, 1..{@value #MAX_LIMIT}
 * @param runnerId  only rows of this runner, or {@code null}
 * @param profileId only rows of this profile, or {@code null}
 * @param delivery  only {@code success} or {@code error} rows, or {@code null}
 */
public record JournalQuery(int limit, String runnerId, String profileId, String delivery) {

    /** Default number of rows. */
    public static final int DEFAULT_LIMIT = 200;
    /** Largest number of rows. */
    public static final int MAX_LIMIT = 1000;

    /** Validates the limit; blank filters become {@code null}. */
    public JournalQuery {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be between 1 and 1000, not " + limit + ".");
        }
        runnerId = blankToNull(runnerId);
        profileId = blankToNull(profileId);
        delivery = blankToNull(delivery);
    }

    /** Returns the newest {@value #DEFAULT_LIMIT} rows without filters. */
    public static JournalQuery newest() {
        return new JournalQuery(DEFAULT_LIMIT, null, null, null);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
