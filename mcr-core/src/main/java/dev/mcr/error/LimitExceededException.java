package dev.mcr.error;

/** A save that would store more than a configured limit allows; nothing was changed. */
public class LimitExceededException extends McrException {
    private static final long serialVersionUID = 1L;
    private final String limitName;
    private final long count;
    private final long allowed;

    /**
     * @param message   a sentence naming the count, the limit and its setting
     * @param limitName the setting that sets the limit, such as {@code MAX_TOTAL_RUNNERS}
     * @param count     how many there would have been
     * @param allowed   how many are allowed (the limit, or the count already stored when that is higher)
     */
    public LimitExceededException(String message, String limitName, long count, long allowed) {
        super(message);
        this.limitName = limitName;
        this.count = count;
        this.allowed = allowed;
    }

    /** Returns the setting that sets the limit, such as {@code MAX_TOTAL_RUNNERS}. */
    public String limitName() {
        return limitName;
    }

    /** Returns how many there would have been. */
    public long count() {
        return count;
    }

    /** Returns how many are allowed: the limit, or the count already stored when that is higher. */
    public long allowed() {
        return allowed;
    }
}
