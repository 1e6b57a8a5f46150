package dev.mcr.store;

import java.time.Instant;
import java.util.Objects;

/**
 * One row of the notification journal: a delivery attempt.
 *
 * @param id          row id assigned by the store (0 before it is stored)
 * @param ts          when the attempt was made
 * @param runnerId    the runner that caused it, or {@code __manual_test__} for a test send
 * @param profileId   the profile used
 * @param profileName the profile's name at the time
 * @param delivery    {@link #SUCCESS}, {@link #ERROR} or {@link #SUPPRESSED}
 * @param title       notification title
 * @param message     notification text
 * @param error       error text for a failed attempt, {@code ""} otherwise; never contains a secret
 */
public record JournalEntry(long id, Instant ts, String runnerId, String profileId, String profileName,
                           String delivery, String title, String message, String error) {

    /** Delivery value of a successful attempt. */
    public static final String SUCCESS = "success";
    /** Delivery value of a failed attempt. */
    public static final String ERROR = "error";
    /** Delivery value of a message not sent: the runner was snoozed or the service was in its quiet hours. */
    public static final String SUPPRESSED = "suppressed";
    /** Runner id recorded for a manual test send. */
    public static final String MANUAL_TEST_RUNNER_ID = "__manual_test__";
    /** How many rows the journal keeps. */
    public static final int MAX_ROWS = 5000;

    /** Validates the components. */
    public JournalEntry {
        Objects.requireNonNull(ts, "ts");
        runnerId = runnerId == null ? "" : runnerId;
        profileId = profileId == null ? "" : profileId;
        profileName = profileName == null ? "" : profileName;
        if (!SUCCESS.equals(delivery) && !ERROR.equals(delivery) && !SUPPRESSED.equals(delivery)) {
            throw new IllegalArgumentException("delivery must be 'success', 'error' or 'suppressed', not '" + delivery
                    + "'.");
        }
        title = title == null ? "" : title;
        message = message == null ? "" : message;
        error = error == null ? "" : error;
    }
}
