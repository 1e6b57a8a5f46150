package dev.mcr.access;

import dev.mcr.error.InvalidInputException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * PBKDF2-HMAC-SHA256 password hashes from the JDK ({@code pbkdf2-sha256$<iterations>$<salt>$<hash>}, base64), a
 * 16-byte random salt per hash, constant-time comparison, and the password rules: at least
 * {@value Access#MIN_PASSWORD_LENGTH} characters, at most {@value #MAX_LENGTH}, not the user's name, and not on the
 * built-in list of common passwords.
 */
final class Passwords {

    static final int MAX_LENGTH = 1024;
    private static final String PREFIX = "pbkdf2-sha256";
    private static final int SALT_BYTES = 16;
    private static final int HASH_BITS = 256;
    private static final Set<String> COMMON = load();

    private final int iterations;
    private final SecureRandom random;
    /** A hash of nothing anyone knows, checked for unknown users so that they take as long as known ones. */
    private volatile String dummy;

    Passwords(int iterations, SecureRandom random) {
        this.iterations = iterations;
        this.random = random;
    }

    int iterations() {
        return iterations;
    }

    /**
     * Checks the rules.
     *
     * @throws InvalidInputException with a sentence naming the rule that is broken (never the password)
     */
    static void checkRules(String user, char[] password) {
        int length = String.valueOf(password).codePointCount(0, password.length);
        if (length < Access.MIN_PASSWORD_LENGTH) {
            throw new InvalidInputException("The password must have at least " + Access.MIN_PASSWORD_LENGTH
                    + " characters.");
        }
        if (password.length > MAX_LENGTH) {
            throw new InvalidInputException("The password must have at most " + MAX_LENGTH + " characters.");
        }
        String lower = String.valueOf(password).toLowerCase(Locale.ROOT);
        if (COMMON.contains(lower) || COMMON.contains(lower.replaceAll("\\s+", ""))) {
            throw new InvalidInputException("This password is on the list of common passwords; choose another.");
        }
        if (user != null && lower.contains(user.toLowerCase(Locale.ROOT)) && user.length() * 2 > length) {
            throw new InvalidInputException("The password must not be mostly the user name.");
        }
    }

    String hash(char[] password) {
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
        return PREFIX + "$" + iterations + "$" + b64.encodeToString(salt) + "$"
                + b64.encodeToString(derive(password, salt, iterations));
    }

    /** Whether the password matches the stored hash; {@code null} checks against a dummy hash and gives false. */
    boolean verify(char[] password, String stored) {
        if (stored == null) {
            verify(password, dummy());
            return false;
        }
        String[] parts = stored.split("\\$");
        if (parts.length != 4 || !parts[0].equals(PREFIX)) {
            return false;
        }
        int n;
        byte[] salt;
        byte[] expected;
        try {
            n = Integer.parseInt(parts[1]);
            salt = Base64.getDecoder().decode(parts[2]);
            expected = Base64.getDecoder().decode(parts[3]);
        } catch (IllegalArgumentException e) {
            return false;
        }
        if (n < 1 || password.length > MAX_LENGTH) {
            return false;
        }
        return MessageDigest.isEqual(derive(password, salt, n), expected);
    }

    private String dummy() {
        String d = dummy;
        if (d == null) {
            d = hash("not a password of anybody".toCharArray());
            dummy = d;
        }
        return d;
    }

    private static byte[] derive(char[] password, byte[] salt, int iterations) {
        PBEKeySpec spec = new PBEKeySpec(password, salt, iterations, HASH_BITS);
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Every Java runtime has PBKDF2WithHmacSHA256.", e);
        } finally {
            spec.clearPassword();
        }
    }

    static int commonCount() {
        return COMMON.size();
    }

    private static Set<String> load() {
        Set<String> out = new HashSet<>();
        try (InputStream in = Passwords.class.getResourceAsStream("common-passwords.txt")) {
            if (in == null) {
                throw new IllegalStateException("The list of common passwords is missing from mcr-core.");
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    out.add(line.strip());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Set.copyOf(out);
    }

    static void wipe(char[] password) {
        if (password != null) {
            Arrays.fill(password, '\0');
        }
    }
}
