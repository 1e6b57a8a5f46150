package dev.mcr.error;

/** An event subscription was refused because as many as allowed are open already. */
public class TooManySubscribersException extends McrException {
    private static final long serialVersionUID = 1L;
    private final int limit;

    /** @param limit how many subscriptions may be open at once */
    public TooManySubscribersException(int limit) {
        super("Too many event subscribers (limit " + limit + ").");
        this.limit = limit;
    }

    /** Returns how many subscriptions may be open at once. */
    public int limit() {
        return limit;
    }
}
