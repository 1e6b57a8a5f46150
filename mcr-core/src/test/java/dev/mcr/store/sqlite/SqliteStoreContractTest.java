package dev.mcr.store.sqlite;

import dev.mcr.store.Store;
import dev.mcr.store.StoreContract;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The store contract on a real SQLite file. */
class SqliteStoreContractTest extends StoreContract {

    @TempDir
    Path dir;

    @Override
    protected Store openStore() {
        return SqliteStore.open(dir);
    }
}
