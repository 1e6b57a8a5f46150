package dev.mcr.files;

import dev.mcr.error.McrException;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the data folder private to the user mcr runs as: the folder and its SQLite temp folder are {@code 0700},
 * and every file mcr writes there ({@code app.db} and its {@code -wal}, {@code -shm} and {@code -journal} files,
 * run logs and their rotated files, {@code .credentials.key}, backups of an unreadable state) is {@code 0600}.
 * New files are created that way; files and folders of an existing data folder are tightened by
 * {@link #prepare(Path)}. Only where the file system has POSIX permissions; elsewhere nothing is changed.
 */
public final class DataFolder {

    /** Name of the folder inside the data folder that SQLite's native library is unpacked to. */
    public static final String SQLITE_TMP_DIR_NAME = ".tmp";

    private static final Logger LOG = LoggerFactory.getLogger(DataFolder.class);
    private static final Set<PosixFilePermission> OWNER_ONLY_DIR = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> OWNER_ONLY_FILE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> GROUP_AND_OTHERS = EnumSet.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);
    /** The files mcr (or the original tool, whose folder mcr takes over) writes in the data folder. */
    private static final Pattern OWN_FILE = Pattern.compile("app\\.db(-wal|-shm|-journal)?"
            + "|app\\.db\\.corrupt-state-.*\\.json|run_[A-Za-z0-9_-]+\\.log(\\.[0-9]+|\\.clearing)?"
            + "|\\.credentials\\.key|runtime_status\\.json");
    private static final int NAMES_IN_LOG = 10;

    private DataFolder() {
    }

    /**
     * Makes the data folder private: creates it with mode {@code 0700} when it is missing; otherwise removes every
     * group and other permission from the folder, from its SQLite temp folder, from the folder of run outputs and from the files mcr owns in it
     * (other files are left alone), and logs one INFO line saying what changed. A permission that cannot be
     * changed (a file of another user) is logged as a warning and does not stop the start.
     *
     * @param dataDir the data folder
     * @throws McrException when the folder cannot be created
     */
    public static void prepare(Path dataDir) {
        try {
            if (createPrivateDirectory(dataDir)) {
                return;
            }
        } catch (IOException e) {
            throw new McrException("The data folder " + dataDir + " cannot be created: " + e.getMessage(), e);
        }
        if (!posix(dataDir)) {
            return;
        }
        List<String> changes = new ArrayList<>();
        tighten(dataDir, true, "the folder", changes, new LinkOption[0]);
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dataDir)) {
            for (Path p : entries) {
                String name = p.getFileName().toString();
                if ((name.equals(SQLITE_TMP_DIR_NAME) || name.equals(RunOutputs.DIR_NAME))
                        && Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    tighten(p, true, name, changes, LinkOption.NOFOLLOW_LINKS);
                } else if (OWN_FILE.matcher(name).matches() && Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    tighten(p, false, name, changes, LinkOption.NOFOLLOW_LINKS);
                }
            }
        } catch (IOException e) {
            LOG.warn("Could not list the data folder {} to make its files private: {}", dataDir, e.getMessage());
        }
        if (!changes.isEmpty()) {
            String shown = String.join(", ", changes.subList(0, Math.min(NAMES_IN_LOG, changes.size())));
            String more = changes.size() > NAMES_IN_LOG ? " and " + (changes.size() - NAMES_IN_LOG) + " more" : "";
            LOG.info("Made the data folder {} private to its owner (group and others had access): {}{}.", dataDir,
                    shown, more);
        }
    }

    /** Removes group and other permissions; records {@code "<what> rwxr-xr-x -> rwx------"} when it changed them. */
    private static void tighten(Path p, boolean directory, String what, List<String> changes, LinkOption... links) {
        try {
            PosixFileAttributeView view = Files.getFileAttributeView(p, PosixFileAttributeView.class, links);
            PosixFileAttributes attrs = view.readAttributes();
            Set<PosixFilePermission> before = attrs.permissions();
            Set<PosixFilePermission> after = EnumSet.noneOf(PosixFilePermission.class);
            after.addAll(before);
            after.removeAll(GROUP_AND_OTHERS);
            if (after.equals(before)) {
                return;
            }
            view.setPermissions(after);
            changes.add(what + " " + PosixFilePermissions.toString(before) + " -> " + PosixFilePermissions.toString(after));
        } catch (IOException | UnsupportedOperationException e) {
            LOG.warn("Could not make {} in the data folder private ({} should be {}): {}", p,
                    directory ? "a folder" : "a file", directory ? "0700" : "0600", e.getMessage());
        }
    }

    /**
     * Creates a folder with mode {@code 0700} (its missing parents get the usual permissions); an existing one is
     * left as it is.
     *
     * @return whether it was created
     */
    public static boolean createPrivateDirectory(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return false;
        }
        Path parent = dir.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try {
            Files.createDirectory(dir, posix(dir)
                    ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIR)}
                    : new FileAttribute<?>[0]);
            return true;
        } catch (FileAlreadyExistsException e) {
            if (Files.isDirectory(dir)) {
                return false;
            }
            throw e;
        }
    }

    /**
     * Returns the attributes that create a file with mode {@code 0600} on this file system (none without POSIX
     * permissions).
     */
    public static FileAttribute<?>[] privateFileAttributes(Path anyPath) {
        return posix(anyPath)
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY_FILE)}
                : new FileAttribute<?>[0];
    }

    /** Whether the file system has POSIX permissions; a cheap check that reads no mount table. */
    private static boolean posix(Path p) {
        return p.getFileSystem().supportedFileAttributeViews().contains("posix");
    }
}
