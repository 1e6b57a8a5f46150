package dev.mcr.store.sqlite;

import dev.mcr.error.McrException;
import dev.mcr.files.DataFolder;
import dev.mcr.store.AuditStore;
import dev.mcr.store.ConfigStore;
import dev.mcr.store.JournalStore;
import dev.mcr.store.RunStore;
import dev.mcr.store.RuntimeStore;
import dev.mcr.store.Store;
import dev.mcr.store.UserStore;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * The SQLite store, {@code DATA_DIR/app.db}: the configured objects with versions and history, the notification
 * journal, last cases, live runs, schedule states, users with their sessions and tokens, the audit log and the
 * records of runs.
 *
 * <p>The original tool's tables are kept ({@code state} with the one row {@code id=1}, {@code notification_journal}),
 * so an original data folder opens as is, and they stay current: every config commit also rewrites the {@code state}
 * row as the original writes it, in the same transaction (see {@link StateRow}), so the original tool opened on the
 * folder finds the same configuration. The schema is migrated by Flyway from {@code db/migration/sqlite}; data folders
 * from before Flyway (the original's, or mcr's with {@code mcr_schema_migrations}) are baselined at version 0, and the
 * first migrations only create what is missing. A folder whose record shows the newest migration applied opens
 * without starting Flyway (one query instead of about a third of a second).
 *
 * <p>The database runs in WAL mode with {@code synchronous=NORMAL} and a 10 s busy timeout; the file is created with
 * mode 0600 before SQLite opens it, so its {@code -wal} and {@code -shm} files are private too, and SQLite's native
 * library is unpacked into the data folder's {@code .tmp} (a noexec {@code /tmp} breaks it). All access goes through
 * one connection under one lock; every write is one {@code BEGIN IMMEDIATE} transaction. Thread-safe. The store never
 * encrypts or decrypts: it keeps the {@code enc:v1:} tokens it is given.
 */
public final class SqliteStore implements Store {

    /** File name of the database in the data folder. */
    public static final String DB_FILE_NAME = "app.db";
    /** File name of the original tool's last-case file in the data folder. */
    public static final String RUNTIME_STATUS_FILE_NAME = "runtime_status.json";
    /** Where the migrations are, on the class path. */
    public static final String MIGRATIONS = "db/migration/sqlite";
    /** Flyway's table of applied migrations. */
    public static final String SCHEMA_HISTORY_TABLE = "mcr_schema_history";
    /**
     * The version of the newest migration in {@link #MIGRATIONS}; a folder at this version opens without starting
     * Flyway. A test keeps it equal to the newest file.
     */
    public static final int LATEST_MIGRATION = MigrationFiles.latestVersion();

    private static final Logger LOG = LoggerFactory.getLogger(SqliteStore.class);
    private static final int BUSY_TIMEOUT_MS = 10_000;

    private final SqliteDb db;
    private final SqliteConfigStore config;
    private final SqliteJournalStore journal;
    private final SqliteRuntimeStore runtime;
    private final SqliteUserStore users;
    private final SqliteAuditStore audit;
    private final SqliteRunStore runs;

    private SqliteStore(SqliteDb db, Clock clock) {
        this.db = db;
        this.config = new SqliteConfigStore(db, clock);
        this.journal = new SqliteJournalStore(db);
        this.runtime = new SqliteRuntimeStore(db);
        this.users = new SqliteUserStore(db);
        this.audit = new SqliteAuditStore(db);
        this.runs = new SqliteRunStore(db);
    }

    /**
     * Opens (creating when needed) {@code DATA_DIR/app.db} and brings its schema up to date.
     *
     * @param dataDir the data folder; created (private) when missing
     * @return the open store; close it when done
     * @throws McrException when the folder or database cannot be opened or migrated, with a sentence naming it
     */
    public static SqliteStore open(Path dataDir) {
        return open(dataDir, Clock.systemUTC());
    }

    /**
     * Opens the store like {@link #open(Path)}, with the clock that stamps history entries.
     *
     * @param dataDir the data folder
     * @param clock   the clock
     * @return the open store
     */
    public static SqliteStore open(Path dataDir, Clock clock) {
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(clock, "clock");
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
        try {
            // Starting Flyway costs about a third of a second; a folder that has every migration skips it.
            if (appliedVersion(c) < LATEST_MIGRATION) {
                migrate(db, config);
            }
        } catch (RuntimeException | SQLException e) {
            closeQuietly(c);
            throw e instanceof McrException m ? m : new McrException("Could not open the database " + db + ": "
                    + e.getMessage(), e);
        }
        SqliteStore store = new SqliteStore(new SqliteDb(dir, db, c), clock);
        LOG.info("Opened {}.", db);
        return store;
    }

    /** The newest version Flyway recorded as applied, or 0 when there is no record (a new or pre-Flyway folder). */
    static int appliedVersion(Connection c) throws SQLException {
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT name FROM sqlite_master WHERE type='table' AND name='"
                     + SCHEMA_HISTORY_TABLE + "'")) {
            if (!rs.next()) {
                return 0;
            }
        }
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT MAX(CAST(version AS INTEGER)) "
                + "FROM " + SCHEMA_HISTORY_TABLE + " WHERE success = 1")) {
            return rs.next() ? rs.getInt(1) : 0;
        }
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException e) {
            LOG.debug("Closing a connection that failed to open fully: {}", e.getMessage());
        }
    }

    /** Applies the migrations that are missing, through a connection configured like the store's own. */
    private static void migrate(Path db, SQLiteConfig config) {
        SQLiteDataSource ds = new SQLiteDataSource(config);
        ds.setUrl("jdbc:sqlite:" + db);
        try {
            MigrateResult result = Flyway.configure(SqliteStore.class.getClassLoader())
                    .dataSource(ds)
                    .locations("classpath:" + MIGRATIONS)
                    .resourceProvider(new MigrationFiles())
                    .javaMigrationClassProvider(List::of)
                    .table(SCHEMA_HISTORY_TABLE)
                    // Folders of the original and of mcr before Flyway hold tables but no history: their first
                    // migrations only create what is missing, so they start from version 0.
                    .baselineOnMigrate(true)
                    .baselineVersion("0")
                    .baselineDescription("data folder from before Flyway")
                    .load()
                    .migrate();
            if (result.migrationsExecuted > 0) {
                LOG.info("Database {}: applied {} migration(s), schema version {}.", db, result.migrationsExecuted,
                        result.targetSchemaVersion);
            }
        } catch (FlywayException e) {
            throw new McrException("Could not open the database " + db + " (migrating its schema failed): "
                    + e.getMessage(), e);
        }
    }

    @Override
    public ConfigStore config() {
        return config;
    }

    @Override
    public JournalStore journal() {
        return journal;
    }

    @Override
    public RuntimeStore runtime() {
        return runtime;
    }

    @Override
    public UserStore users() {
        return users;
    }

    @Override
    public AuditStore audit() {
        return audit;
    }

    @Override
    public RunStore runs() {
        return runs;
    }

    /** Closes the database; later calls do nothing, and other methods then throw {@link McrException}. */
    @Override
    public void close() {
        db.close();
    }
}
