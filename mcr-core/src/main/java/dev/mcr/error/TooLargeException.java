package dev.mcr.error;

/** Input larger than a configured limit (such as an import file over {@code MAX_IMPORT_BYTES}); nothing was read. */
public class TooLargeException extends McrException {
    private static final long serialVersionUID = 1L;
    private final String limitName;
    private final long size;
    private final long maxSize;

    /**
     * @param message   names the limit, shown to clients as is
     * @param limitName the setting that sets the limit, such as {@code MAX_IMPORT_BYTES}
     * @param size      how large the input is, in bytes
     * @param maxSize   how large it may be, in bytes
     */
    public TooLargeException(String message, String limitName, long size, long maxSize) {
        super(message);
        this.limitName = limitName;
        this.size = size;
        this.maxSize = maxSize;
    }

    /** Returns the setting that sets the limit, such as {@code MAX_IMPORT_BYTES}. */
    public String limitName() {
        return limitName;
    }

    /** Returns how large the input is, in bytes. */
    public long size() {
        return size;
    }

    /** Returns how large the input may be, in bytes. */
    public long maxSize() {
        return maxSize;
    }
}
