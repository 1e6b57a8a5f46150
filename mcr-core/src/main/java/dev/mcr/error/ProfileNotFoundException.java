package dev.mcr.error;

/** No notification profile with the given id exists. */
public class ProfileNotFoundException extends McrException {
    private static final long serialVersionUID = 1L;
    private final String profileId;

    /** @param profileId the id that was asked for (may be {@code null} or blank when none was given) */
    public ProfileNotFoundException(String profileId) {
        super("There is no notification profile with the id '" + profileId + "'.");
        this.profileId = profileId;
    }

    /** Returns the id that was asked for. */
    public String profileId() {
        return profileId;
    }
}
