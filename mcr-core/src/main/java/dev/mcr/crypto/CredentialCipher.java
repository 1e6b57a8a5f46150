package dev.mcr.crypto;

import com.macasaet.fernet.Key;
import com.macasaet.fernet.Token;
import com.macasaet.fernet.Validator;
import dev.mcr.error.McrException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.temporal.TemporalAmount;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Encrypts notification credentials at rest as {@code enc:v1:<Fernet token>}, byte-compatible with the
 * original tool's Python {@code cryptography.fernet.Fernet}: values it wrote decrypt here and the other way round.
 *
 * <p>The key comes from the environment secret {@code MULTI_COMMAND_RUNNER_SECRET_KEY} when it is set (used
 * directly when it is a valid Fernet key, otherwise as a passphrase: key = urlsafe-base64(SHA-256(UTF-8
 * passphrase))), else from {@code DATA_DIR/.credentials.key}, which is created on first start with mode 0600.
 *
 * <p>Either may hold several keys separated by commas, like Python's {@code MultiFernet}: the first encrypts, every
 * one decrypts, so that a key can be replaced without losing what the old one encrypted (see {@link #reencrypt}).
 * The text is a list when it contains a comma and at least one of its parts is a Fernet key (a Fernet key never
 * contains a comma); each part is then a key or a passphrase. Any other text, commas included, is one passphrase, as
 * in the original.
 *
 * <p>Instances are immutable and thread-safe. Neither the key nor any plaintext or token ever appears in a log
 * line, an exception message or {@link #toString()}.
 */
public final class CredentialCipher {

    /** Prefix of an encrypted value; what follows is a Fernet token. */
    public static final String PREFIX = "enc:v1:";
    /** Name of the key file in the data folder. */
    public static final String KEY_FILE_NAME = ".credentials.key";

    private static final Logger LOG = LoggerFactory.getLogger(CredentialCipher.class);
    private static final int KEY_BYTES = 32;
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    /** The first encrypts; all decrypt, in this order. */
    private final List<Key> keys;
    private final String keySource;
    private final SecureRandom random = new SecureRandom();

    private CredentialCipher(List<byte[]> keyBytes, String keySource) {
        List<Key> list = new ArrayList<>();
        for (byte[] bytes : keyBytes) {
            list.add(new Key(bytes));
            Arrays.fill(bytes, (byte) 0);
        }
        this.keys = List.copyOf(list);
        this.keySource = keyBytes.size() > 1 ? keySource + " (" + keyBytes.size() + " keys, the first encrypts)" : keySource;
    }

    /**
     * Creates the cipher the way the server does at start-up.
     *
     * @param dataDir   the data folder; created when missing, holds {@code .credentials.key}
     * @param envSecret the value of {@code MULTI_COMMAND_RUNNER_SECRET_KEY}, or {@code null}; blank counts as unset
     * @return the cipher
     * @throws McrException when the key file cannot be created or read, with a sentence naming the file
     */
    public static CredentialCipher forDataDir(Path dataDir, String envSecret) {
        if (envSecret != null) {
            String secret = pythonStrip(envSecret);
            if (!secret.isEmpty()) {
                return fromText(secret, "environment key", "environment passphrase", "environment");
            }
        }
        if (dataDir == null) {
            throw new IllegalArgumentException("The data folder must be given when no secret key is set in the environment.");
        }
        Path keyFile = dataDir.toAbsolutePath().normalize().resolve(KEY_FILE_NAME);
        String secret = readOrCreateKeyFile(keyFile);
        return fromText(secret, "key file " + keyFile, "key file " + keyFile + " (passphrase)", "key file " + keyFile);
    }

    private static CredentialCipher fromText(String secret, String asKey, String asPassphrase, String asList) {
        // The list first: Python's lenient base64 would read "<key>,<key>" as the first key alone (it skips the comma
        // and stops at the first key's padding), so the whole text is a key only when it is not a list.
        List<String> parts = new ArrayList<>();
        for (String part : secret.split(",", -1)) {
            String p = pythonStrip(part);
            if (!p.isEmpty()) {
                parts.add(p);
            }
        }
        if (parts.size() > 1 && parts.stream().anyMatch(p -> decodePythonFernetKey(p).isPresent())) {
            List<byte[]> list = new ArrayList<>();
            for (String p : parts) {
                list.add(decodePythonFernetKey(p).orElseGet(() -> sha256(p)));
            }
            return new CredentialCipher(list, asList);
        }
        Optional<byte[]> direct = decodePythonFernetKey(secret);
        if (direct.isPresent()) {
            return new CredentialCipher(List.of(direct.get()), asKey);
        }
        return new CredentialCipher(List.of(sha256(secret)), asPassphrase);
    }

    /**
     * Creates a cipher from a Fernet key (44 characters of URL-safe base64 encoding 32 bytes).
     *
     * @param fernetKey the key; surrounding whitespace is ignored
     * @return the cipher
     * @throws IllegalArgumentException when the text is not a valid Fernet key (the message does not repeat it)
     */
    public static CredentialCipher ofKey(String fernetKey) {
        if (fernetKey == null) {
            throw new IllegalArgumentException("A Fernet key is required; generate one with Fernet.generate_key().");
        }
        return decodePythonFernetKey(pythonStrip(fernetKey))
                .map(bytes -> new CredentialCipher(List.of(bytes), "given key"))
                .orElseThrow(() -> new IllegalArgumentException(
                        "The given text is not a valid Fernet key; it must be URL-safe base64 of 32 bytes."));
    }

    /**
     * Encrypts a credential.
     *
     * @param plaintext the value; {@code null} counts as empty
     * @return {@link #PREFIX} followed by a new Fernet token, or {@code ""} for an empty value
     */
    public String encrypt(String plaintext) {
        if (plaintext == null || plaintext.isEmpty()) {
            return "";
        }
        return PREFIX + Token.generate(random, keys.get(0), plaintext.getBytes(StandardCharsets.UTF_8)).serialise();
    }

    /**
     * Decrypts a stored credential.
     *
     * <p>A value with {@link #PREFIX} is decrypted with the first key that fits; when none does (another key, a
     * damaged value) the result is
     * {@code ""} and one warning is logged that names neither the value nor the key. A value without the prefix
     * is legacy plaintext and is returned as is. Tokens of any age decrypt, as with Python's {@code decrypt}
     * without a TTL.
     *
     * @param stored the stored value, may be {@code null}
     * @return the plaintext, or {@code ""}
     */
    public String decrypt(String stored) {
        if (stored == null || stored.isEmpty()) {
            return "";
        }
        if (!stored.startsWith(PREFIX)) {
            return stored;
        }
        Optional<String> plain = decryptWith(stored, keys.size());
        if (plain.isEmpty()) {
            LOG.warn("A stored credential could not be decrypted with the {} (wrong key or damaged value); it reads as empty until it is entered again.",
                    keySource);
            return "";
        }
        return plain.get();
    }

    /**
     * Brings one stored credential under the first key, for a key rotation.
     *
     * @param stored a value with {@link #PREFIX}
     * @return the same value when the first key decrypts it, a new token of the first key when another key does, or
     *         empty when no key does (the value must then be kept as it is: a key that is not given yet may)
     */
    public Optional<String> reencrypt(String stored) {
        if (!isEncrypted(stored)) {
            throw new IllegalArgumentException("Only an encrypted credential can be re-encrypted.");
        }
        if (decryptWith(stored, 1).isPresent()) {
            return Optional.of(stored);
        }
        return decryptWith(stored, keys.size()).map(this::encrypt);
    }

    /** Returns how many keys decrypt; the first of them encrypts. */
    public int keyCount() {
        return keys.size();
    }

    private Optional<String> decryptWith(String stored, int firstKeys) {
        Token token;
        try {
            token = Token.fromString(stored.substring(PREFIX.length()).strip());
        } catch (RuntimeException e) {
            return Optional.empty();
        }
        for (int i = 0; i < firstKeys; i++) {
            try {
                return Optional.of(AnyAgeValidator.INSTANCE.validateAndDecrypt(keys.get(i), token));
            } catch (RuntimeException e) {
                // Any failure is Python's InvalidToken: try the next key. The exception text is not kept because
                // some parsers echo their input.
            }
        }
        return Optional.empty();
    }

    /**
     * Tells whether a stored value is in encrypted form.
     *
     * @param value any value, may be {@code null}
     * @return true when it starts with {@link #PREFIX}
     */
    public static boolean isEncrypted(String value) {
        return value != null && value.startsWith(PREFIX);
    }

    /**
     * Says where the key came from, for the start-up log: {@code "environment key"},
     * {@code "environment passphrase"}, {@code "key file <path>"} (with {@code " (passphrase)"} when the file
     * holds a passphrase), {@code "environment (2 keys, the first encrypts)"} or {@code "key file <path> (2 keys,
     * the first encrypts)"} for a list, or {@code "given key"}. Never contains a key.
     *
     * @return the description
     */
    public String keySource() {
        return keySource;
    }

    /** Returns a description without the key. */
    @Override
    public String toString() {
        return "CredentialCipher[" + keySource + "]";
    }

    private static String readOrCreateKeyFile(Path keyFile) {
        try {
            Files.createDirectories(keyFile.getParent());
            if (!Files.exists(keyFile)) {
                createKeyFile(keyFile, false);
            }
            String secret = pythonStrip(Files.readString(keyFile, StandardCharsets.UTF_8));
            if (secret.isEmpty()) {
                // An empty file holds no key (the original wrote it non-atomically); nothing it could decrypt exists.
                LOG.warn("The credential key file {} is empty; a new key is generated.", keyFile);
                createKeyFile(keyFile, true);
                secret = pythonStrip(Files.readString(keyFile, StandardCharsets.UTF_8));
            }
            restrictPermissions(keyFile);
            return secret;
        } catch (IOException e) {
            throw new McrException("Could not read or create the credential key file " + keyFile + ": " + e.getMessage()
                    + ". Check the permissions of the data folder or set MULTI_COMMAND_RUNNER_SECRET_KEY.", e);
        }
    }

    private static void createKeyFile(Path keyFile, boolean replace) throws IOException {
        Path dir = keyFile.getParent();
        boolean posix = Files.getFileStore(dir).supportsFileAttributeView("posix");
        FileAttribute<?>[] attrs = posix
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY)}
                : new FileAttribute<?>[0];
        // The key is written to a private temporary file first and then put in place in one step, so the key
        // file never exists half-written or with wider permissions.
        Path tmp = Files.createTempFile(dir, KEY_FILE_NAME + ".", ".tmp", attrs);
        try {
            byte[] text = Key.generateKey().serialise().getBytes(StandardCharsets.US_ASCII);
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ByteBuffer buf = ByteBuffer.wrap(text);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            if (replace) {
                Files.move(tmp, keyFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } else {
                placeWithoutReplacing(tmp, keyFile);
            }
            LOG.info("Generated a new credential key file {} (mode 0600).", keyFile);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static void placeWithoutReplacing(Path tmp, Path keyFile) throws IOException {
        try {
            // A hard link never replaces an existing file: if another process created the key meanwhile, it wins.
            Files.createLink(keyFile, tmp);
        } catch (FileAlreadyExistsException e) {
            LOG.debug("The credential key file {} appeared meanwhile; using it.", keyFile);
        } catch (UnsupportedOperationException | FileSystemException e) {
            try {
                Files.move(tmp, keyFile, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e2) {
                Files.move(tmp, keyFile);
            }
        }
    }

    private static void restrictPermissions(Path keyFile) {
        try {
            if (!Files.getFileStore(keyFile).supportsFileAttributeView("posix")) {
                return;
            }
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(keyFile);
            if (!OWNER_ONLY.containsAll(perms)) {
                LOG.warn("The credential key file {} was accessible to other users ({}); restricting it to 0600.",
                        keyFile, PosixFilePermissions.toString(perms));
                Files.setPosixFilePermissions(keyFile, OWNER_ONLY);
            }
        } catch (IOException | UnsupportedOperationException e) {
            LOG.warn("Could not check the permissions of the credential key file {}: {}", keyFile, e.getMessage());
        }
    }

    private static byte[] sha256(String passphrase) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(passphrase.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available in this Java runtime.", e);
        }
    }

    /**
     * Decides like Python's {@code Fernet(key)} whether a text is a key: {@code base64.urlsafe_b64decode} in its
     * lenient mode (characters outside the alphabet are skipped, input ends at complete padding, incomplete
     * groups are an error) must yield exactly 32 bytes.
     */
    static Optional<byte[]> decodePythonFernetKey(String text) {
        byte[] in = text.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[in.length];
        int outLen = 0;
        int quadPos = 0;
        int leftChar = 0;
        int pads = 0;
        for (byte raw : in) {
            int c = raw & 0xff;
            if (c == '-') {
                c = '+';
            } else if (c == '_') {
                c = '/';
            }
            if (c == '=') {
                if (quadPos >= 2 && quadPos + ++pads >= 4) {
                    quadPos = 0;
                    break;
                }
                continue;
            }
            int v = base64Value(c);
            if (v < 0) {
                continue;
            }
            pads = 0;
            switch (quadPos) {
                case 0:
                    quadPos = 1;
                    leftChar = v;
                    break;
                case 1:
                    quadPos = 2;
                    out[outLen++] = (byte) ((leftChar << 2) | (v >> 4));
                    leftChar = v & 0x0f;
                    break;
                case 2:
                    quadPos = 3;
                    out[outLen++] = (byte) ((leftChar << 4) | (v >> 2));
                    leftChar = v & 0x03;
                    break;
                default:
                    quadPos = 0;
                    out[outLen++] = (byte) ((leftChar << 6) | v);
                    leftChar = 0;
                    break;
            }
        }
        if (quadPos != 0 || outLen != KEY_BYTES) {
            Arrays.fill(out, (byte) 0);
            return Optional.empty();
        }
        byte[] key = Arrays.copyOf(out, KEY_BYTES);
        Arrays.fill(out, (byte) 0);
        return Optional.of(key);
    }

    private static int base64Value(int c) {
        if (c >= 'A' && c <= 'Z') {
            return c - 'A';
        }
        if (c >= 'a' && c <= 'z') {
            return c - 'a' + 26;
        }
        if (c >= '0' && c <= '9') {
            return c - '0' + 52;
        }
        if (c == '+') {
            return 62;
        }
        if (c == '/') {
            return 63;
        }
        return -1;
    }

    /** Strips like Python's {@code str.strip()}: every Unicode whitespace character, including NBSP and NEL. */
    static String pythonStrip(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && isPythonSpace(s.charAt(start))) {
            start++;
        }
        while (end > start && isPythonSpace(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(start, end);
    }

    private static boolean isPythonSpace(char c) {
        return Character.isWhitespace(c) || Character.isSpaceChar(c) || c == '\u0085';
    }

    /**
     * Accepts tokens of any realistic age, like Python's {@code decrypt} without a TTL: fernet-java8 always checks
     * the timestamp (60 s by default), so the window is a thousand years each way. Payloads must be valid UTF-8,
     * as Python's {@code .decode("utf-8")} requires.
     */
    private static final class AnyAgeValidator implements Validator<String> {
        static final AnyAgeValidator INSTANCE = new AnyAgeValidator();
        private static final Duration WINDOW = Duration.ofDays(366L * 1000);

        @Override
        public TemporalAmount getTimeToLive() {
            return WINDOW;
        }

        @Override
        public TemporalAmount getMaxClockSkew() {
            return WINDOW;
        }

        @Override
        public Function<byte[], String> getTransformer() {
            return bytes -> {
                try {
                    return StandardCharsets.UTF_8.newDecoder()
                            .onMalformedInput(CodingErrorAction.REPORT)
                            .onUnmappableCharacter(CodingErrorAction.REPORT)
                            .decode(ByteBuffer.wrap(bytes))
                            .toString();
                } catch (CharacterCodingException e) {
                    throw new IllegalArgumentException("The decrypted credential is not valid UTF-8.", e);
                }
            };
        }
    }
}
