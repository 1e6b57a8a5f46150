package dev.mcr.error;

/** No user of the given name exists. */
public class UserNotFoundException extends McrException {
    private static final long serialVersionUID = 1L;
    private final String name;

    /** @param name the name that was asked for */
    public UserNotFoundException(String name) {
        super("There is no user named '" + name + "'.");
        this.name = name;
    }

    /** Returns the name that was asked for. */
    public String name() {
        return name;
    }
}
