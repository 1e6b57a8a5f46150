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
 * their lengths leak).
 */
final class BasicAuth implements BeforeHandler {

    /** The realm the original announces. */
    static final String CHALLENGE = "Basic realm=\"multi-command-runner\"";

    private static final Pattern STRICT_BASE64 = Pattern.compile("[A-Za-z0-9+/]*={0,2}");

    private final byte[] userDigest;
    private final byte[] passwordDigest;
    private final BiPredicate<byte[], byte[]> constantTimeEquals;
    private final java.util.function.Predicate<HttpRequest> exempt;

    /**
     * @param user     the expected user, non-empty
     * @param password the expected password, non-empty
     */
    BasicAuth(String user, String password) {
        this(user, password, MessageDigest::isEqual, r -> false);
    }

    /**
     * @param user     the expected user, non-empty
     * @param password the expected password, non-empty
     * @param exempt   requests that need no Basic credentials: routes without data ({@code /healthz}) and requests
     *                 that carry their own (the scraper's bearer token on {@code /metrics})
     */
    BasicAuth(String user, String password, java.util.function.Predicate<HttpRequest> exempt) {
        this(user, password, MessageDigest::isEqual, exempt);
    }

    /**
     * @param user               the expected user, non-empty
     * @param password           the expected password, non-empty
     * @param constantTimeEquals compares two digests of equal length in constant time (tests count the calls)
     */
    BasicAuth(String user, String password, BiPredicate<byte[], byte[]> constantTimeEquals) {
        this(user, password, constantTimeEquals, r -> false);
    }

    private BasicAuth(String user, String password, BiPredicate<byte[], byte[]> constantTimeEquals,
                      java.util.function.Predicate<HttpRequest> exempt) {
        this.userDigest = sha256(user);
        this.passwordDigest = sha256(password);
        this.constantTimeEquals = constantTimeEquals;
        this.exempt = exempt;
    }

    /** Every route except the UI's assets under {@code /static/} and the exempt ones needs the credentials. */
    @Override
    public void check(HttpRequest request) {
        if (!request.path().startsWith("/static/") && !exempt.test(request)
                && !allows(request.header("authorization"))) {
            throw new HttpError(401, "Unauthorized", java.util.Map.of("WWW-Authenticate", CHALLENGE));
        }
    }

    /**
     * Checks an {@code Authorization} header.
     *
     * @param header the header value, may be {@code null}
     * @return whether it carries the configured user and password
     */
    boolean allows(String header) {
        if (header == null || !header.startsWith("Basic ")) {
            return false;
        }
        String token = header.substring(6).strip();
        if (token.isEmpty() || token.length() % 4 != 0 || !STRICT_BASE64.matcher(token).matches()) {
            return false;
        }
        String decoded;
        try {
            byte[] raw = Base64.getDecoder().decode(token);
            decoded = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(raw)).toString();
        } catch (IllegalArgumentException | CharacterCodingException e) {
            return false;
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            return false;
        }
        boolean userOk = constantTimeEquals.test(sha256(decoded.substring(0, colon)), userDigest);
        boolean passwordOk = constantTimeEquals.test(sha256(decoded.substring(colon + 1)), passwordDigest);
        return userOk & passwordOk;
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every Java runtime has SHA-256.", e);
        }
    }
}
