package dev.mcr.store.sqlite;

import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.ResourceProvider;
import org.flywaydb.core.api.resource.LoadableResource;

/**
 * Hands Flyway the migration files of {@code db/migration/sqlite} by name, read through this module's own class, so
 * that they are found in every packaging: on the class path, in the server's fat jar, and on the module path, where a
 * named module's resources are hidden from a scan by another module (Flyway's own scanning then lists the files but
 * cannot open them). It also spares Flyway the scan of the class path.
 */
final class MigrationFiles implements ResourceProvider {

    /** The migrations, in order; a test keeps this list equal to the folder's files. */
    static final List<String> FILES = List.of(
            "V1__tables_of_the_original_tool.sql",
            "V2__last_case_per_runner.sql",
            "V3__runs_started_and_not_yet_ended.sql",
            "V4__configured_objects_with_versions.sql",
            "V5__schedule_state.sql",
            "V6__users_sessions_tokens_audit.sql",
            "V7__run_records.sql",
            "V8__alert_state_per_runner.sql",
            "V9__alert_state_escalated.sql");

    /** The version of the newest file, from its name ({@code V7__...} is 7). */
    static int latestVersion() {
        String newest = FILES.get(FILES.size() - 1);
        return Integer.parseInt(newest.substring(1, newest.indexOf("__")));
    }

    @Override
    public LoadableResource getResource(String name) {
        String file = name.substring(name.lastIndexOf('/') + 1);
        return FILES.contains(file) ? new File(file) : null;
    }

    @Override
    public Collection<LoadableResource> getResources(String prefix, String[] suffixes) {
        List<LoadableResource> out = new ArrayList<>();
        for (String file : FILES) {
            if (!file.startsWith(prefix)) {
                continue;
            }
            for (String suffix : suffixes) {
                if (file.endsWith(suffix)) {
                    out.add(new File(file));
                    break;
                }
            }
        }
        return out;
    }

    /** One migration file, read from this module. */
    private static final class File extends LoadableResource {
        private final String name;

        File(String name) {
            this.name = name;
        }

        @Override
        public Reader read() {
            InputStream in = MigrationFiles.class.getResourceAsStream("/" + getAbsolutePath());
            if (in == null) {
                throw new FlywayException("The migration " + getAbsolutePath() + " is missing from mcr-core.");
            }
            return new InputStreamReader(in, StandardCharsets.UTF_8);
        }

        @Override
        public String getAbsolutePath() {
            return SqliteStore.MIGRATIONS + "/" + name;
        }

        @Override
        public String getAbsolutePathOnDisk() {
            return getAbsolutePath();
        }

        @Override
        public String getFilename() {
            return name;
        }

        @Override
        public String getRelativePath() {
            return name;
        }
    }
}
