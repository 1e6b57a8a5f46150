package dev.mcr.store.sqlite;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcr.error.McrException;
import dev.mcr.json.StateTrees;
import dev.mcr.store.ForeignDocument;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The original tool's {@code state} row ({@code id=1}: the whole state as one JSON document): written by every config
 * commit, and read at start to see whether another program (the original tool) changed it since. What mcr wrote last
 * is remembered as the SHA-256 of the row's bytes in {@code mcr_meta}.
 *
 * <p>A row that is not a readable JSON object is never lost and never written over by a read: its bytes are copied
 * to a private file {@code app.db.corrupt-state-<time>.json} beside the database (an earlier copy with the same
 * content is reused), and an error naming it is logged.
 */
final class StateRow {

    private static final Logger LOG = LoggerFactory.getLogger(StateRow.class);
    static final String HASH_KEY = "state_row_sha256";
    private static final DateTimeFormatter BACKUP_STAMP = DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);

    private final SqliteDb db;
    private final Clock clock;

    StateRow(SqliteDb db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    /** The row's bytes, or {@code null} when there is no row. */
    static byte[] readBytes(Connection c) throws SQLException {
        // As bytes: the driver would silently replace bytes that are not UTF-8.
        try (PreparedStatement ps = c.prepareStatement("SELECT CAST(json AS BLOB) FROM state WHERE id=1");
             ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                return null;
            }
            byte[] b = rs.getBytes(1);
            return b == null ? new byte[0] : b;
        }
    }

    /** Reads the row when it is not what mcr wrote last. */
    Optional<ForeignDocument> foreign(Connection c) throws SQLException {
        byte[] bytes = readBytes(c);
        if (bytes == null) {
            return Optional.empty();
        }
        String hash = sha256(bytes);
        if (hash.equals(meta(c, HASH_KEY))) {
            return Optional.empty();
        }
        String strict = decodeStrict(bytes);
        if (strict != null && isObject(strict)) {
            return Optional.of(new ForeignDocument(strict, null, hash));
        }
        String lenient = new String(bytes, StandardCharsets.UTF_8);
        if (strict == null && isObject(lenient)) {
            Path backup = backup(bytes, "contains bytes that are not UTF-8", "they are read as U+FFFD and the next "
                    + "save stores them that way.");
            return Optional.of(new ForeignDocument(lenient, backup, hash));
        }
        Path backup = backup(bytes, "is not a readable JSON object", "mcr goes on with the configuration it stored "
                + "itself; the row is left as it is until the next save. Repair that file and import it, or delete it.");
        return Optional.of(new ForeignDocument(null, backup, hash));
    }

    /** Writes the row when its content differs, and remembers it as mcr's own. */
    void write(Connection c, String json) throws SQLException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        byte[] current = readBytes(c);
        if (current == null || !Arrays.equals(current, bytes)) {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO state (id, json) VALUES (1, ?) ON CONFLICT(id) DO UPDATE SET json=excluded.json")) {
                ps.setString(1, json);
                ps.executeUpdate();
            }
        }
        putMeta(c, HASH_KEY, sha256(bytes));
    }

    /** Remembers the row's current content as mcr's own without writing it. */
    void acknowledge(Connection c, String token) throws SQLException {
        putMeta(c, HASH_KEY, token);
    }

    static String meta(Connection c, String key) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT value FROM mcr_meta WHERE key=?")) {
            ps.setString(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    static void putMeta(Connection c, String key, String value) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO mcr_meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value=excluded.value")) {
            ps.setString(1, key);
            ps.setString(2, value);
            ps.executeUpdate();
        }
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this Java runtime.", e);
        }
    }

    private static String decodeStrict(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private static boolean isObject(String text) {
        try {
            JsonNode node = StateTrees.parse(text);
            return node instanceof ObjectNode;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /**
     * Copies unreadable row bytes to a private file next to the database before anything can replace them, or finds
     * an earlier copy with the same content.
     */
    private Path backup(byte[] bytes, String problem, String consequence) {
        Path dataDir = db.dataDir;
        Path same = existingBackupWith(bytes);
        if (same != null) {
            LOG.error("The stored state in {} {}; it is saved in {} and {}", db.dbFile, problem, same, consequence);
            return same;
        }
        String base = SqliteStore.DB_FILE_NAME + ".corrupt-state-" + BACKUP_STAMP.format(clock.instant());
        for (int n = 1; n < 1000; n++) {
            Path backup = dataDir.resolve(base + (n == 1 ? "" : "-" + n) + ".json");
            try {
                Files.createFile(backup, dev.mcr.files.DataFolder.privateFileAttributes(backup));
                Files.write(backup, bytes, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
                LOG.error("The stored state in {} {}; it was saved to {} and {}", db.dbFile, problem, backup,
                        consequence);
                return backup;
            } catch (FileAlreadyExistsException e) {
                // try the next name
            } catch (IOException e) {
                throw new McrException("The stored state in " + db.dbFile + " is unreadable and could not be saved to "
                        + backup + " (" + e.getMessage() + "); refusing to continue so that it is not lost.", e);
            }
        }
        throw new McrException("The stored state in " + db.dbFile + " is unreadable and no free backup file name was "
                + "found; refusing to continue so that it is not lost.");
    }

    private Path existingBackupWith(byte[] bytes) {
        try (DirectoryStream<Path> files =
                     Files.newDirectoryStream(db.dataDir, SqliteStore.DB_FILE_NAME + ".corrupt-state-*.json")) {
            for (Path f : files) {
                if (Files.isRegularFile(f) && Files.size(f) == bytes.length
                        && Arrays.equals(Files.readAllBytes(f), bytes)) {
                    return f;
                }
            }
        } catch (IOException e) {
            LOG.debug("Could not look for earlier state backups in {}: {}", db.dataDir, e.getMessage());
        }
        return null;
    }
}
