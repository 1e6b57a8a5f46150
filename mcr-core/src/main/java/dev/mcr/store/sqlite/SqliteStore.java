package dev.mcr.store.sqlite;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcr.crypto.CredentialCipher;
import dev.mcr.crypto.SecretMasking;
import dev.mcr.error.McrException;
import dev.mcr.files.DataFolder;
import dev.mcr.model.Timestamps;
import dev.mcr.store.JournalEntry;
import dev.mcr.store.JournalQuery;
import dev.mcr.store.LastCase;
import dev.mcr.store.LiveRun;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The SQLite database {@code DATA_DIR/app.db}: the state document, the notification journal and the last case
 * of each runner.
 *
 * <p>The original tool's tables are kept exactly ({@code state} with the one row {@code id=1} holding the
 * state JSON, {@code notification_journal}), so an original data folder opens as is; our own tables are added
 * by numbered, idempotent migrations recorded in {@code mcr_schema_migrations}. Credentials are encrypted in
 * the stored JSON ({@code enc:v1:}) and plaintext in memory.
 *
 * <p>The database runs in WAL mode with {@code synchronous=NORMAL} and a 10 s busy timeout. All access goes
 * through one connection under one lock; every write is one {@code BEGIN IMMEDIATE} transaction, so a failed
 * or interrupted write leaves the previous content. Thread-safe. Failures throw {@link McrException} with a
 * sentence that never contains a credential.
 */
public final class SqliteStore implements AutoCloseable {

    /** File name of the database in the data folder. */
    public static final String DB_FILE_NAME = "app.db";
    /** File name of the original tool's last-case file in the data folder. */
    public static final String RUNTIME_STATUS_FILE_NAME = "runtime_status.json";

    private static final Logger LOG = LoggerFactory.getLogger(SqliteStore.class);
    private static final int BUSY_TIMEOUT_MS = 10_000;
    private static final DateTimeFormatter BACKUP_STAMP = DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);

    /** The original tool's {@code state} table, statement for statement. */
    static final String ORIGINAL_STATE_DDL =
            "CREATE TABLE IF NOT EXISTS state (id INTEGER PRIMARY KEY CHECK(id=1), json TEXT NOT NULL)";
    /** The original tool's {@code notification_journal} table, statement for statement. */
    static final String ORIGINAL_JOURNAL_DDL = """
            CREATE TABLE IF NOT EXISTS notification_journal (
              id INTEGER PRIMARY KEY AUTOINCREMENT,
              ts TEXT NOT NULL,
              runner_id TEXT NOT NULL,
              profile_id TEXT NOT NULL,
              profile_name TEXT NOT NULL,
              delivery TEXT NOT NULL,
              title TEXT NOT NULL,
              message TEXT NOT NULL,
              error TEXT
            )
            """;

    /** Our schema changes, in order; each runs once, and each statement is safe to run again. */
    static final List<Migration> MIGRATIONS = List.of(
            new Migration(1, "tables of the original tool", List.of(ORIGINAL_STATE_DDL, ORIGINAL_JOURNAL_DDL)),
            new Migration(2, "last case per runner", List.of("""
                    CREATE TABLE IF NOT EXISTS mcr_last_case (
                      runner_id TEXT PRIMARY KEY,
                      message TEXT NOT NULL,
                      ts TEXT NOT NULL DEFAULT ''
                    )
                    """)),
            new Migration(3, "runs started and not yet ended", List.of("""
                    CREATE TABLE IF NOT EXISTS mcr_live_runs (
                      run_id TEXT PRIMARY KEY,
                      runner_id TEXT NOT NULL,
                      pid INTEGER,
                      owner_pid INTEGER NOT NULL,
                      owner_started_ms INTEGER,
                      started_at TEXT NOT NULL
                    )
                    """)),
            new Migration(4, "where active schedules resume after a restart", List.of(ScheduleTable.DDL)));

    /** One numbered schema change. */
    record Migration(int version, String description, List<String> statements) {
    }

    private final Path dataDir;
    private final Path dbFile;
    private final CredentialCipher cipher;
    private final ObjectMapper mapper = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .build();
    /** Writes like Python's {@code json.dumps}: {@code ", "} and {@code ": "} separators, no line breaks. */
    private final ObjectWriter writer = mapper.writer(new DefaultPrettyPrinter(Separators.createDefaultInstance()
            .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
            .withObjectEntrySpacing(Separators.Spacing.AFTER)
            .withArrayValueSpacing(Separators.Spacing.AFTER)
            .withObjectEmptySeparator("")
            .withArrayEmptySeparator(""))
            .withObjectIndenter(null)
            .withArrayIndenter(null));
    private final ZoneId zone = ZoneId.systemDefault();
    private final Clock clock = Clock.systemUTC();
    private final ReentrantLock lock = new ReentrantLock();
    private final Connection conn;
    private boolean closed;
    /** Guarded by {@link #lock}. */
    private Path corruptStateBackup;

    /** Statements run on every run start, prepared once; guarded by {@link #lock}, closed with the connection. */
    private final Map<String, PreparedStatement> prepared = new HashMap<>();

    private SqliteStore(Path dataDir, CredentialCipher cipher, Connection conn) {
        this.dataDir = dataDir;
        this.dbFile = dataDir.resolve(DB_FILE_NAME);
        this.cipher = cipher;
        this.conn = conn;
    }

    /**
     * Opens (creating when needed) {@code DATA_DIR/app.db} and brings its schema up to date.
     *
     * @param dataDir the data folder; created when missing
     * @param cipher  the credential cipher of this data folder
     * @return the open store; close it when done
     * @throws McrException when the folder or database cannot be opened, with a sentence naming it
     */
    public static SqliteStore open(Path dataDir, CredentialCipher cipher) {
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(cipher, "cipher");
        Path dir = dataDir.toAbsolutePath().normalize();
        Path db = dir.resolve(DB_FILE_NAME);
        try {
            DataFolder.createPrivateDirectory(dir);
            Path tmp = dir.resolve(DataFolder.SQLITE_TMP_DIR_NAME);
            DataFolder.createPrivateDirectory(tmp);
            // The native library is unpacked into java.io.tmpdir unless told otherwise; a noexec /tmp breaks it.
            // The property is process-wide and only read once, so an explicit setting is respected.
            if (System.getProperty("org.sqlite.tmpdir") == null) {
                System.setProperty("org.sqlite.tmpdir", tmp.toString());
            }
        } catch (IOException e) {
            throw new McrException("Could not create the data folder " + dir + ": " + e.getMessage(), e);
        }
        try {
            // SQLite gives the -wal, -shm and -journal files the mode of the database file, so a private database
            // keeps them private too; an empty file is a valid empty database.
            Files.createFile(db, DataFolder.privateFileAttributes(db));
        } catch (FileAlreadyExistsException e) {
            // An existing database keeps its permissions here; DataFolder.prepare tightens them.
        } catch (IOException e) {
            throw new McrException("Could not create the database " + db + ": " + e.getMessage(), e);
        }
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
        config.setBusyTimeout(BUSY_TIMEOUT_MS);
        // The driver would otherwise look up generated keys after every insert; the journal asks for its id itself.
        config.setGetGeneratedKeys(false);
        Connection c;
        try {
            c = DriverManager.getConnection("jdbc:sqlite:" + db, config.toProperties());
        } catch (SQLException e) {
            throw new McrException("Could not open the database " + db + ": " + e.getMessage(), e);
        }
        SqliteStore store = new SqliteStore(dir, cipher, c);
        try {
            store.migrate();
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
        LOG.info("Opened {} (credentials: {}).", db, cipher.keySource());
        return store;
    }

    // ---------------------------------------------------------------- state

    /**
     * Loads the stored state document with credentials decrypted.
     *
     * <p>Credentials still stored in plaintext (the original before encryption) are re-saved encrypted at once.
     * A row that is not a readable JSON object is never lost: it is copied to
     * {@code app.db.corrupt-state-<time>.json} in the data folder (a backup with the same content is reused, so
     * repeated loads do not pile up copies), an error naming that file is logged, the result is empty and
     * {@link #corruptStateBackup()} names the file. The row itself is left as it is.
     *
     * @return the state tree, or empty when nothing (readable) is stored
     * @throws McrException when the database cannot be read, or an unreadable row cannot be backed up
     */
    public Optional<JsonNode> loadState() {
        lock.lock();
        try {
            byte[] bytes = read("read the state", c -> {
                // As bytes: the driver would silently replace bytes that are not UTF-8.
                try (PreparedStatement ps = c.prepareStatement("SELECT CAST(json AS BLOB) FROM state WHERE id=1");
                     ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.ofNullable(rs.getBytes(1)).orElse(new byte[0]) : null;
                }
            });
            if (bytes == null) {
                return Optional.empty();
            }
            String raw = decodeUtf8(bytes);
            ObjectNode stored = raw == null ? null : parseObject(raw);
            if (stored == null) {
                corruptStateBackup = backupCorruptState(bytes, "is not a readable JSON object", "the state is "
                        + "treated as empty. Repair that file and import it, or delete it.");
                return Optional.empty();
            }
            corruptStateBackup = null;
            ObjectNode plain = stored.deepCopy();
            int[] plaintext = {0};
            rewriteSecrets(plain, (profileId, key, value) -> {
                if (value.isEmpty()) {
                    return value;
                }
                if (CredentialCipher.isEncrypted(value)) {
                    return cipher.decrypt(value);
                }
                plaintext[0]++;
                // The mask marker is never a credential; the original could store it for a new profile.
                return SecretMasking.SECRET_SET.equals(value) ? "" : value;
            });
            if (plaintext[0] > 0) {
                migratePlaintextSecrets(raw, stored, plaintext[0]);
            }
            return Optional.of(plain);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Returns the backup file of the unreadable state row found by the last {@link #loadState()}, if the last
     * load found one; callers use it to avoid treating an unreadable state like an empty store.
     *
     * @return the backup file, or empty when the last load read the row (or found none)
     */
    public Optional<Path> corruptStateBackup() {
        lock.lock();
        try {
            return Optional.ofNullable(corruptStateBackup);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Saves the state document, replacing the stored one in one transaction.
     *
     * <p>Credentials are encrypted on a copy; the given tree is not changed. A credential equal to
     * {@link SecretMasking#SECRET_SET} keeps the stored value of the same profile ({@code ""} if there is none),
     * and a value that is already in {@code enc:v1:} form is stored as is.
     *
     * @param state the state tree (a JSON object) with plaintext credentials
     * @throws IllegalArgumentException when the tree is not a JSON object
     * @throws McrException             when the write fails; the previous state is then unchanged
     */
    public void saveState(JsonNode state) {
        if (!(state instanceof ObjectNode)) {
            throw new IllegalArgumentException("The state must be a JSON object, not "
                    + (state == null ? "null" : state.getNodeType().toString().toLowerCase(Locale.ROOT)) + ".");
        }
        ObjectNode copy = ((ObjectNode) state).deepCopy();
        write("save the state", c -> {
            boolean[] masked = {false};
            rewriteSecrets(copy, (profileId, key, value) -> {
                masked[0] |= SecretMasking.SECRET_SET.equals(value);
                return value;
            });
            Map<String, String> storedSecrets = masked[0] ? readStoredSecrets(c) : Map.of();
            rewriteSecrets(copy, (profileId, key, value) -> {
                if (value.isEmpty() || CredentialCipher.isEncrypted(value)) {
                    return value;
                }
                if (SecretMasking.SECRET_SET.equals(value)) {
                    String old = storedSecrets.getOrDefault(slot(profileId, key), "");
                    if (old.isEmpty() || SecretMasking.SECRET_SET.equals(old)) {
                        return "";
                    }
                    return CredentialCipher.isEncrypted(old) ? old : cipher.encrypt(old);
                }
                return cipher.encrypt(value);
            });
            String json = toJson(copy);
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO state (id, json) VALUES (1, ?) ON CONFLICT(id) DO UPDATE SET json=excluded.json")) {
                ps.setString(1, json);
                ps.executeUpdate();
            }
            return null;
        });
    }

    // ---------------------------------------------------------------- journal

    /**
     * Appends a delivery attempt to the journal and keeps only the newest {@value JournalEntry#MAX_ROWS} rows.
     *
     * @param e the attempt (its id is ignored)
     * @return the attempt with the id the store gave it
     * @throws McrException when the write fails
     */
    public JournalEntry appendJournal(JournalEntry e) {
        Objects.requireNonNull(e, "e");
        long id = write("write the notification journal", c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO notification_journal "
                    + "(ts, runner_id, profile_id, profile_name, delivery, title, message, error) "
                    + "VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
                ps.setString(1, Timestamps.format(e.ts(), zone));
                ps.setString(2, e.runnerId());
                ps.setString(3, e.profileId());
                ps.setString(4, e.profileName());
                ps.setString(5, e.delivery());
                ps.setString(6, e.title());
                ps.setString(7, e.message());
                ps.setString(8, e.error());
                ps.executeUpdate();
            }
            long newId;
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT last_insert_rowid()")) {
                rs.next();
                newId = rs.getLong(1);
            }
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM notification_journal WHERE id <= "
                    + "(SELECT id FROM notification_journal ORDER BY id DESC LIMIT 1 OFFSET ?)")) {
                ps.setInt(1, JournalEntry.MAX_ROWS);
                ps.executeUpdate();
            }
            return newId;
        });
        return new JournalEntry(id, e.ts(), e.runnerId(), e.profileId(), e.profileName(), e.delivery(), e.title(),
                e.message(), e.error());
    }

    /**
     * Lists journal rows, newest first.
     *
     * @param q the filter and limit
     * @return the rows; a stored time that cannot be read becomes the epoch
     * @throws McrException when the read fails
     */
    public List<JournalEntry> queryJournal(JournalQuery q) {
        Objects.requireNonNull(q, "q");
        List<String> conditions = new ArrayList<>();
        List<String> params = new ArrayList<>();
        addFilter(conditions, params, "runner_id", q.runnerId());
        addFilter(conditions, params, "profile_id", q.profileId());
        addFilter(conditions, params, "delivery", q.delivery());
        String where = conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions);
        String sql = "SELECT id, ts, runner_id, profile_id, profile_name, delivery, title, message, COALESCE(error, '') "
                + "FROM notification_journal" + where + " ORDER BY id DESC LIMIT ?";
        return read("read the notification journal", c -> {
            List<JournalEntry> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                int i = 1;
                for (String p : params) {
                    ps.setString(i++, p);
                }
                ps.setInt(i, q.limit());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        Instant ts = Timestamps.parse(rs.getString(2));
                        String delivery = JournalEntry.SUCCESS.equals(rs.getString(6))
                                ? JournalEntry.SUCCESS : JournalEntry.ERROR;
                        out.add(new JournalEntry(rs.getLong(1), ts == null ? Instant.EPOCH : ts, rs.getString(3),
                                rs.getString(4), rs.getString(5), delivery, rs.getString(7), rs.getString(8),
                                rs.getString(9)));
                    }
                }
            }
            return out;
        });
    }

    /**
     * Deletes every journal row.
     *
     * @return the number of rows deleted
     * @throws McrException when the write fails
     */
    public int clearJournal() {
        return write("clear the notification journal", c -> {
            try (Statement st = c.createStatement()) {
                return st.executeUpdate("DELETE FROM notification_journal");
            }
        });
    }

    // ---------------------------------------------------------------- last case

    /**
     * Loads the last case of every runner: from our table, and from the original's
     * {@code DATA_DIR/runtime_status.json} when it exists (our table wins for the same runner).
     *
     * @return runner id to last case, unmodifiable
     * @throws McrException when the database cannot be read (an unreadable JSON file is only logged)
     */
    public Map<String, LastCase> loadLastCases() {
        Map<String, LastCase> result = new LinkedHashMap<>(readRuntimeStatusFile());
        result.putAll(read("read the last cases", c -> {
            Map<String, LastCase> rows = new LinkedHashMap<>();
            try (Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT runner_id, message, ts FROM mcr_last_case ORDER BY runner_id")) {
                while (rs.next()) {
                    rows.put(rs.getString(1), new LastCase(rs.getString(2), Timestamps.parse(rs.getString(3))));
                }
            }
            return rows;
        }));
        return Collections.unmodifiableMap(result);
    }

    /**
     * Replaces every stored last case with the given ones, in one transaction.
     *
     * @param all runner id to last case; {@code null} values are skipped
     * @throws McrException when the write fails; the previous content is then unchanged
     */
    public void saveLastCases(Map<String, LastCase> all) {
        Objects.requireNonNull(all, "all");
        Map<String, LastCase> copy = new LinkedHashMap<>(all);
        write("save the last cases", c -> {
            try (Statement st = c.createStatement()) {
                st.executeUpdate("DELETE FROM mcr_last_case");
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO mcr_last_case (runner_id, message, ts) VALUES (?, ?, ?)")) {
                for (Map.Entry<String, LastCase> e : copy.entrySet()) {
                    if (e.getKey() == null || e.getValue() == null) {
                        continue;
                    }
                    ps.setString(1, e.getKey());
                    ps.setString(2, e.getValue().message());
                    Instant ts = e.getValue().ts();
                    ps.setString(3, ts == null ? "" : Timestamps.format(ts, ZoneOffset.UTC));
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return null;
        });
    }

    // ---------------------------------------------------------------- live runs

    /**
     * Records a run as started, in its own transaction, before its process is spawned; it survives a crash of
     * this process (WAL commit).
     *
     * @param run the run
     * @throws McrException when the write fails
     */
    public void recordLiveRun(LiveRun run) {
        recordLiveRun(run, List.of());
    }

    /**
     * Records a run as started and forgets runs that ended, in one transaction: a run's start is one
     * write, whatever ended since the previous one.
     *
     * @param run   the run
     * @param ended markers of runs that ended; unknown ones are ignored
     * @throws McrException when the write fails (nothing is written then)
     */
    public void recordLiveRun(LiveRun run, Collection<String> ended) {
        Objects.requireNonNull(run, "run");
        List<String> endedIds = List.copyOf(Objects.requireNonNull(ended, "ended"));
        write("record a started run", c -> {
            deleteLiveRuns(c, endedIds);
            PreparedStatement ps = prepared(c, "INSERT OR REPLACE INTO mcr_live_runs "
                    + "(run_id, runner_id, pid, owner_pid, owner_started_ms, started_at) VALUES (?, ?, ?, ?, ?, ?)");
            ps.setString(1, run.runId());
            ps.setString(2, run.runnerId());
            if (run.pid() == null) {
                ps.setNull(3, java.sql.Types.INTEGER);
            } else {
                ps.setLong(3, run.pid());
            }
            ps.setLong(4, run.ownerPid());
            if (run.ownerStarted() == null) {
                ps.setNull(5, java.sql.Types.INTEGER);
            } else {
                ps.setLong(5, run.ownerStarted().toEpochMilli());
            }
            ps.setString(6, Timestamps.format(run.startedAt(), ZoneOffset.UTC));
            ps.executeUpdate();
            return null;
        });
    }

    /**
     * Forgets runs that ended (or whose leftovers were stopped).
     *
     * @param runIds the runs' markers; unknown ones are ignored
     * @throws McrException when the write fails
     */
    public void removeLiveRuns(Collection<String> runIds) {
        Objects.requireNonNull(runIds, "runIds");
        List<String> ids = List.copyOf(runIds);
        if (ids.isEmpty()) {
            return;
        }
        write("forget ended runs", c -> {
            deleteLiveRuns(c, ids);
            return null;
        });
    }

    private void deleteLiveRuns(Connection c, List<String> ids) throws SQLException {
        if (ids.isEmpty()) {
            return;
        }
        PreparedStatement ps = prepared(c, "DELETE FROM mcr_live_runs WHERE run_id=?");
        try {
            for (String id : ids) {
                ps.setString(1, id);
                ps.addBatch();
            }
            ps.executeBatch();
        } finally {
            ps.clearBatch();
        }
    }

    private PreparedStatement prepared(Connection c, String sql) throws SQLException {
        PreparedStatement ps = prepared.get(sql);
        if (ps == null) {
            ps = c.prepareStatement(sql);
            prepared.put(sql, ps);
        }
        return ps;
    }

    /**
     * Lists the runs recorded as started and not yet ended, oldest first.
     *
     * @return the runs
     * @throws McrException when the read fails
     */
    public List<LiveRun> liveRuns() {
        return read("read the started runs", c -> {
            List<LiveRun> out = new ArrayList<>();
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT run_id, runner_id, pid, "
                    + "owner_pid, owner_started_ms, started_at FROM mcr_live_runs ORDER BY started_at, run_id")) {
                while (rs.next()) {
                    long pid = rs.getLong(3);
                    Long pidOrNull = rs.wasNull() ? null : pid;
                    long ownerStarted = rs.getLong(5);
                    Instant ownerStartedOrNull = rs.wasNull() ? null : Instant.ofEpochMilli(ownerStarted);
                    Instant startedAt = Timestamps.parse(rs.getString(6));
                    out.add(new LiveRun(rs.getString(1), rs.getString(2), pidOrNull, rs.getLong(4),
                            ownerStartedOrNull, startedAt == null ? Instant.EPOCH : startedAt));
                }
            }
            return out;
        });
    }

    // ---------------------------------------------------------------- schedule states

    /**
     * Loads where each active session resumes after a restart (durable schedules).
     *
     * @return runner id to row
     * @throws McrException when the read fails
     */
    public Map<String, ScheduleRow> loadScheduleStates() {
        return read("read the schedule states", ScheduleTable::load);
    }

    /**
     * Stores a runner's schedule state, replacing the previous one, in its own transaction.
     *
     * @param row the state
     * @throws McrException when the write fails
     */
    public void putScheduleState(ScheduleRow row) {
        Objects.requireNonNull(row, "row");
        write("store the schedule of runner '" + row.runnerId() + "'", c -> {
            ScheduleTable.put(c, row);
            return null;
        });
    }

    /**
     * Forgets a runner's schedule state.
     *
     * @param runnerId the runner; unknown ids are ignored
     * @throws McrException when the write fails
     */
    public void deleteScheduleState(String runnerId) {
        Objects.requireNonNull(runnerId, "runnerId");
        write("forget the schedule of runner '" + runnerId + "'", c -> {
            ScheduleTable.delete(c, runnerId);
            return null;
        });
    }

    /** Closes the database; later calls do nothing, and other methods then throw {@link McrException}. */
    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            conn.close();
        } catch (SQLException e) {
            LOG.warn("Closing the database {} failed: {}", dbFile, e.getMessage());
        } finally {
            lock.unlock();
        }
    }

    // ---------------------------------------------------------------- internals

    /** Work on the connection; runs under the store lock. */
    @FunctionalInterface
    private interface SqlWork<T> {
        T run(Connection c) throws SQLException;
    }

    /** Computes the stored form of one credential; {@code profileId} is null for a top-level value. */
    @FunctionalInterface
    private interface SecretRewrite {
        String apply(String profileId, String key, String value);
    }

    private void migrate() {
        write("update the database schema", c -> {
            try (Statement st = c.createStatement()) {
                st.execute("CREATE TABLE IF NOT EXISTS mcr_schema_migrations ("
                        + "version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TEXT NOT NULL)");
            }
            int current;
            try (Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT COALESCE(MAX(version), 0) FROM mcr_schema_migrations")) {
                rs.next();
                current = rs.getInt(1);
            }
            int latest = MIGRATIONS.get(MIGRATIONS.size() - 1).version();
            if (current > latest) {
                LOG.warn("The database {} has schema version {}, newer than this program knows ({}); opening it anyway.",
                        dbFile, current, latest);
            }
            for (Migration m : MIGRATIONS) {
                if (m.version() <= current) {
                    continue;
                }
                try (Statement st = c.createStatement()) {
                    for (String sql : m.statements()) {
                        st.execute(sql);
                    }
                }
                try (PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO mcr_schema_migrations (version, description, applied_at) VALUES (?, ?, ?)")) {
                    ps.setInt(1, m.version());
                    ps.setString(2, m.description());
                    ps.setString(3, Timestamps.format(clock.instant(), ZoneOffset.UTC));
                    ps.executeUpdate();
                }
                LOG.info("Database {}: applied migration {} ({}).", dbFile, m.version(), m.description());
            }
            return null;
        });
    }

    private <T> T read(String what, SqlWork<T> work) {
        lock.lock();
        try {
            ensureOpen();
            return work.run(conn);
        } catch (SQLException e) {
            throw new McrException("Could not " + what + " in " + dbFile + ": " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }

    private <T> T write(String what, SqlWork<T> work) {
        lock.lock();
        try {
            ensureOpen();
            prepared(conn, "BEGIN IMMEDIATE").execute();
            boolean committed = false;
            try {
                T result = work.run(conn);
                prepared(conn, "COMMIT").execute();
                committed = true;
                return result;
            } finally {
                if (!committed) {
                    rollbackQuietly();
                }
            }
        } catch (SQLException e) {
            throw new McrException("Could not " + what + " in " + dbFile + ": " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }

    private void rollbackQuietly() {
        try (Statement st = conn.createStatement()) {
            st.execute("ROLLBACK");
        } catch (SQLException e) {
            // SQLite may already have rolled back on its own (for example after a full disk).
            LOG.debug("Rollback after a failed write in {}: {}", dbFile, e.getMessage());
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new McrException("The database " + dbFile + " is closed.");
        }
    }

    /**
     * Decodes strictly; bytes that are not UTF-8 are saved to a backup first and then read as U+FFFD, so the
     * state stays usable and the original bytes are not lost when it is saved again.
     */
    private String decodeUtf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                    .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            String lenient = new String(bytes, StandardCharsets.UTF_8);
            if (parseObject(lenient) == null) {
                return null;
            }
            backupCorruptState(bytes, "contains bytes that are not UTF-8", "they are read as U+FFFD and "
                    + "the next save stores them that way.");
            return lenient;
        }
    }

    private ObjectNode parseObject(String raw) {
        try {
            JsonNode node = mapper.readTree(raw);
            return node instanceof ObjectNode ? (ObjectNode) node : null;
        } catch (JsonProcessingException | RuntimeException e) {
            return null;
        }
    }

    private String toJson(JsonNode node) {
        try {
            return writer.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new McrException("Could not serialize the state: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * Copies an unreadable state row to a private file next to the database before anything can replace it, or
     * finds an earlier copy with the same content.
     */
    private Path backupCorruptState(byte[] bytes, String problem, String consequence) {
        String base = DB_FILE_NAME + ".corrupt-state-" + BACKUP_STAMP.format(clock.instant());
        Path same = existingBackupWith(bytes);
        if (same != null) {
            LOG.error("The stored state in {} {}; it is saved in {} and {}", dbFile, problem, same, consequence);
            return same;
        }
        for (int n = 1; n < 1000; n++) {
            Path backup = dataDir.resolve(base + (n == 1 ? "" : "-" + n) + ".json");
            try {
                boolean posix = Files.getFileStore(dataDir).supportsFileAttributeView("posix");
                FileAttribute<?>[] attrs = posix
                        ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))}
                        : new FileAttribute<?>[0];
                Files.createFile(backup, attrs);
                Files.write(backup, bytes, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
                LOG.error("The stored state in {} {}; it was saved to {} and {}", dbFile, problem, backup,
                        consequence);
                return backup;
            } catch (FileAlreadyExistsException e) {
                // try the next name
            } catch (IOException e) {
                throw new McrException("The stored state in " + dbFile + " is unreadable and could not be saved to "
                        + backup + " (" + e.getMessage() + "); refusing to continue so that it is not lost.", e);
            }
        }
        throw new McrException("The stored state in " + dbFile + " is unreadable and no free backup file name was "
                + "found; refusing to continue so that it is not lost.");
    }

    private Path existingBackupWith(byte[] bytes) {
        try (java.nio.file.DirectoryStream<Path> files =
                     Files.newDirectoryStream(dataDir, DB_FILE_NAME + ".corrupt-state-*.json")) {
            for (Path f : files) {
                if (Files.isRegularFile(f) && Files.size(f) == bytes.length
                        && java.util.Arrays.equals(Files.readAllBytes(f), bytes)) {
                    return f;
                }
            }
        } catch (IOException e) {
            LOG.debug("Could not look for earlier state backups in {}: {}", dataDir, e.getMessage());
        }
        return null;
    }

    private void migratePlaintextSecrets(String raw, ObjectNode stored, int count) {
        ObjectNode migrated = stored.deepCopy();
        rewriteSecrets(migrated, (profileId, key, value) -> {
            if (value.isEmpty() || CredentialCipher.isEncrypted(value)) {
                return value;
            }
            return SecretMasking.SECRET_SET.equals(value) ? "" : cipher.encrypt(value);
        });
        String json = toJson(migrated);
        int updated;
        try {
            updated = write("encrypt stored credentials", c -> {
                try (PreparedStatement ps = c.prepareStatement("UPDATE state SET json=? WHERE id=1 AND json=?")) {
                    ps.setString(1, json);
                    ps.setString(2, raw);
                    return ps.executeUpdate();
                }
            });
        } catch (McrException e) {
            // Loading still works; the credentials stay in plaintext until a later load or save succeeds.
            LOG.warn("{} plaintext notification credential(s) in {} could not be encrypted yet: {}", count, dbFile,
                    e.getMessage());
            return;
        }
        if (updated == 1) {
            LOG.info("Migrated {} plaintext notification credential(s) in {} to encrypted storage.", count, dbFile);
        } else {
            LOG.info("The state in {} changed while its credentials were being encrypted; they will be encrypted "
                    + "at the next load or save.", dbFile);
        }
    }

    /** Reads the stored (encrypted) credentials by slot; an unreadable row has none. */
    private Map<String, String> readStoredSecrets(Connection c) throws SQLException {
        String raw;
        try (PreparedStatement ps = c.prepareStatement("SELECT json FROM state WHERE id=1");
             ResultSet rs = ps.executeQuery()) {
            raw = rs.next() ? rs.getString(1) : null;
        }
        Map<String, String> out = new HashMap<>();
        ObjectNode stored = raw == null ? null : parseObject(raw);
        if (stored != null) {
            rewriteSecrets(stored, (profileId, key, value) -> {
                out.putIfAbsent(slot(profileId, key), value);
                return value;
            });
        }
        return out;
    }

    private static String slot(String profileId, String key) {
        return profileId == null ? "top\u0000" + key : "profile\u0000" + profileId + "\u0000" + key;
    }

    /**
     * Visits every textual credential of a state tree and replaces it with what the function returns: the
     * secret-named values of each profile's {@code config}, and secret-named top-level values (the original's
     * legacy {@code pushover_user_key}/{@code pushover_api_token}).
     */
    private static void rewriteSecrets(ObjectNode root, SecretRewrite fn) {
        rewriteTextFields(root, null, fn);
        JsonNode profiles = root.get("notify_profiles");
        if (profiles == null || !profiles.isArray()) {
            return;
        }
        for (JsonNode p : profiles) {
            if (!(p instanceof ObjectNode) || !(p.get("config") instanceof ObjectNode)) {
                continue;
            }
            JsonNode idNode = p.get("id");
            String profileId = idNode == null || idNode.isNull() ? "" : idNode.asText();
            rewriteTextFields((ObjectNode) p.get("config"), profileId, fn);
        }
    }

    private static void rewriteTextFields(ObjectNode obj, String profileId, SecretRewrite fn) {
        List<Map.Entry<String, JsonNode>> fields = new ArrayList<>(obj.properties());
        for (Map.Entry<String, JsonNode> e : fields) {
            if (SecretMasking.isSecretKey(e.getKey()) && e.getValue().isTextual()) {
                String old = e.getValue().asText();
                String now = fn.apply(profileId, e.getKey(), old);
                if (!now.equals(old)) {
                    obj.put(e.getKey(), now);
                }
            }
        }
    }

    private Map<String, LastCase> readRuntimeStatusFile() {
        Path file = dataDir.resolve(RUNTIME_STATUS_FILE_NAME);
        if (!Files.isRegularFile(file)) {
            return Map.of();
        }
        Map<String, LastCase> out = new LinkedHashMap<>();
        try {
            JsonNode root = mapper.readTree(Files.readString(file, StandardCharsets.UTF_8));
            if (!(root instanceof ObjectNode)) {
                LOG.warn("{} is not a JSON object; its last cases are ignored.", file);
                return Map.of();
            }
            for (Map.Entry<String, JsonNode> e : root.properties()) {
                JsonNode v = e.getValue();
                if (v instanceof ObjectNode) {
                    out.put(e.getKey(), new LastCase(text(v.get("last_case")), Timestamps.parse(text(v.get("last_case_ts")))));
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("Could not read the last cases from {}: {}", file, e.getMessage());
            return Map.of();
        }
        return out;
    }

    private static String text(JsonNode n) {
        return n == null || n.isNull() ? "" : n.asText();
    }

    private static void addFilter(List<String> conditions, List<String> params, String column, String value) {
        if (value != null && !value.strip().isEmpty()) {
            conditions.add(column + " = ?");
            params.add(value.strip());
        }
    }
}
