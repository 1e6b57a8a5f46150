package dev.mcr.server;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.function.BiPredicate;
import java.util.regex.Pattern;

/**
 * HTTP Basic auth checked like the original: the header must start with {@code "Basic "}, the token is
 * strict base64 (alphabet and padding checked) of UTF-8 {@code user:password}, split at the first colon.
 * User and password are both compared, in constant time, through their SHA-256 digests (so not even
 * their lengths leak). The account of the environment; {@link AccessGate} asks it first for every Basic header.
 */
final class BasicAuth {

    /** The realm the original announces. */
    static final String CHALLENGE = "Basic realm=\"multi-command-runner\"";

    private static final Pattern STRICT_BASE64 = Pattern.compile("[A-Za-z0-9+/]*={0,2}");

    private final byte[] userDigest;
    private final byte[] passwordDigest;
    private final BiPredicate<byte[], byte[]> constantTimeEquals;

    /**
     * @param user     the expected user, non-empty
     * @param password the expected password, non-empty
     */
    BasicAuth(String user, String password) {
        this(user, password, MessageDigest::isEqual);
    }

    /**
     * @param user               the expected user, non-empty
     * @param password           the expected password, non-empty
     * @param constantTimeEquals compares two digests of equal length in constant time (tests count the calls)
     */
    BasicAuth(String user, String password, BiPredicate<byte[], byte[]> constantTimeEquals) {
        this.userDigest = sha256(user);
        this.passwordDigest = sha256(password);
        this.constantTimeEquals = constantTimeEquals;
    }

    /**
     * Checks an {@code Authorization} header.
     *
     * @param header the header value, may be {@code null}
     * @return whether it carries the configured user and password
     */
    boolean allows(String header) {
        String[] pair = decode(header);
        if (pair == null) {
            return false;
        }
        boolean userOk = constantTimeEquals.test(sha256(pair[0]), userDigest);
        boolean passwordOk = constantTimeEquals.test(sha256(pair[1]), passwordDigest);
        return userOk & passwordOk;
    }

    /**
     * Decodes an {@code Authorization} header strictly.
     *
     * @param header the header value, may be {@code null}
     * @return user and password, or {@code null} when it is not {@code Basic} with strict base64 of UTF-8
     *         {@code user:password}
     */
    static String[] decode(String header) {
        if (header == null || !header.startsWith("Basic ")) {
            return null;
        }
        String token = header.substring(6).strip();
        if (token.isEmpty() || token.length() % 4 != 0 || !STRICT_BASE64.matcher(token).matches()) {
            return null;
        }
        String decoded;
        try {
            byte[] raw = Base64.getDecoder().decode(token);
            decoded = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(raw)).toString();
        } catch (IllegalArgumentException | CharacterCodingException e) {
            return null;
        }
        int colon = decoded.indexOf(':');
        return colon < 0 ? null : new String[] {decoded.substring(0, colon), decoded.substring(colon + 1)};
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every Java runtime has SHA-256.", e);
        }
    }
}
