package dev.mcr.error;

/** A user of the given name exists already; nothing was changed. */
public class UserExistsException extends McrException {
    private static final long serialVersionUID = 1L;
    private final String name;

    /** @param name the name that is taken */
    public UserExistsException(String name) {
        super("A user named '" + name + "' exists already.");
        this.name = name;
    }

    /** Returns the name that is taken. */
    public String name() {
        return name;
    }
}
