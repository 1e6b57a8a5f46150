package dev.mcr.model;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** Id rules shared by every part of the state: {@code ^[A-Za-z0-9_-]{1,120}$}, new ids are prefix + 32 hex. */
public final class Ids {

    /** Prefix of runner ids. */
    public static final String RUNNER = "runner";
    /** Prefix of case ids. */
    public static final String CASE = "case";
    /** Prefix of notification profile ids. */
    public static final String NOTIFY = "notify";
    /** Prefix of group ids. */
    public static final String GROUP = "group";

    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9_-]{1,120}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private Ids() {
    }

    /**
     * Returns whether a text is a valid id.
     *
     * @param id any text, may be {@code null}
     * @return true when it matches {@code ^[A-Za-z0-9_-]{1,120}$}
     */
    public static boolean isValid(String id) {
        return id != null && VALID.matcher(id).matches();
    }

    /**
     * Creates a new id: the prefix, an underscore and 32 lowercase hex characters.
     *
     * @param prefix one of {@link #RUNNER}, {@link #CASE}, {@link #NOTIFY}, {@link #GROUP}
     * @return the new id
     */
    public static String newId(String prefix) {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        return prefix + "_" + HexFormat.of().formatHex(b);
    }
}
