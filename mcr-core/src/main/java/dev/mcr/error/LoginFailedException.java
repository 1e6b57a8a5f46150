package dev.mcr.error;

/** A login or credential was refused: unknown user, wrong password, disabled account. Says nothing about which. */
public class LoginFailedException extends McrException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception with the one sentence every refused login gets. */
    public LoginFailedException() {
        super("The user name or the password is wrong, or the account is disabled.");
    }
}
