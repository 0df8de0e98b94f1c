package dev.incidentgateway.store;

import dev.incidentgateway.security.OpenToOthers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The directory of an embedded H2 file store, kept private to the gateway's user: created {@code 0700}
 * before H2 opens it, and every file in it narrowed to {@code 0600} once H2 has created them. The event log,
 * the generated webhook token and H2's lock and trace files are nobody else's business on a shared host.
 *
 * <p>A directory that already exists is left as it is (it may be shared, e.g. {@code /srv}); the start warns
 * when others can enter it. On file systems without POSIX permissions (Windows) nothing is changed.
 */
public final class H2DataDirectory {
    static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwx------");
    static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");
    private static final Logger LOG = LoggerFactory.getLogger(H2DataDirectory.class);

    private final Path directory;
    private final String baseName;

    private H2DataDirectory(Path directory, String baseName) {
        this.directory = directory;
        this.baseName = baseName;
    }

    /**
     * The directory of an H2 file URL ({@code jdbc:h2:file:./data/gateway}, {@code jdbc:h2:./data/gateway},
     * {@code jdbc:h2:~/gateway}); empty for in-memory, TCP/SSL and non-H2 URLs.
     */
    public static Optional<H2DataDirectory> of(String jdbcUrl) {
        if (!jdbcUrl.startsWith("jdbc:h2:")) {
            return Optional.empty();
        }
        String path = jdbcUrl.substring("jdbc:h2:".length());
        int semicolon = path.indexOf(';');
        path = semicolon < 0 ? path : path.substring(0, semicolon);
        String lower = path.toLowerCase(Locale.ROOT);
        if (lower.startsWith("mem:") || lower.startsWith("tcp:") || lower.startsWith("ssl:") || lower.startsWith("zip:")) {
            return Optional.empty();
        }
        if (lower.startsWith("file:")) {
            path = path.substring("file:".length());
        }
        if (path.startsWith("~")) {
            path = System.getProperty("user.home") + path.substring(1);
        }
        Path file = Path.of(path).toAbsolutePath().normalize();
        return file.getParent() == null ? Optional.empty()
                : Optional.of(new H2DataDirectory(file.getParent(), file.getFileName().toString()));
    }

    /** The database file H2 keeps there ({@code <name>.mv.db}). */
    public Path databaseFile() {
        return directory.resolve(baseName + ".mv.db");
    }

    public Path directory() {
        return directory;
    }

    /** Creates the directory (and missing parents) {@code 0700}, or warns when an existing one is open to others. */
    public void prepare() {
        if (!posix()) {
            return;
        }
        try {
            if (Files.isDirectory(directory)) {
                checkAccess();
                OpenToOthers.warnIf(LOG, directory, OpenToOthers.ANY, "The store directory", "other users can list it; chmod 700 it");
                return;
            }
            Files.createDirectories(directory, PosixFilePermissions.asFileAttribute(DIRECTORY));
            // The umask may have narrowed what createDirectories asked for, never widened it: set it exactly.
            Files.setPosixFilePermissions(directory, DIRECTORY);
        } catch (IOException e) { // e.g. a parent the user may not write, or a file where a directory must be: one line, exit 3
            String reason = e instanceof AccessDeniedException ? "permission denied for user " + System.getProperty("user.name")
                    : e instanceof FileSystemException fs && fs.getReason() != null ? fs.getReason() : e.toString();
            throw new StoreStartException("cannot create the store directory " + directory + " (" + reason
                    + " at " + (e instanceof FileSystemException fs ? fs.getFile() : directory) + ")", e);
        }
    }

    /**
     * Fails at once, naming the path, when this process's user cannot use an existing store directory or file (a
     * command run as another user than the gateway's, or a {@code ./data} without permission). H2 reports that only as
     * a failed connection, which the start-up wait took for a store still starting (30 s, GATEWAY_DB_STARTUP_WAIT_S),
     * and a file in a directory this user cannot enter looks like no store at all.
     */
    public void checkAccess() {
        if (Files.isDirectory(directory) && !(Files.isReadable(directory) && Files.isWritable(directory) && Files.isExecutable(directory))) {
            throw denied(directory);
        }
        Path file = databaseFile();
        if (Files.exists(file) && !(Files.isReadable(file) && Files.isWritable(file))) {
            throw denied(file);
        }
    }

    private static StoreStartException denied(Path path) {
        String owner;
        try {
            owner = " (it belongs to " + Files.getOwner(path).getName() + (posix() ? ", " + PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(path)) : "") + ")";
        } catch (IOException | UnsupportedOperationException e) {
            owner = "";
        }
        return new StoreStartException("cannot read and write the store at " + path + ": permission denied for user "
                + System.getProperty("user.name") + owner + "; run this as the user that runs the gateway", null);
    }

    /**
     * Narrows the store's files ({@code <name>.mv.db}, {@code .lock.db}, {@code .trace.db}, ...) to {@code 0600};
     * in a private ({@code 0700}) directory, every file under it, whoever in the gateway wrote it.
     */
    public void restrictFiles() {
        if (!posix() || !Files.isDirectory(directory)) {
            return;
        }
        try {
            boolean privateDir = Files.getPosixFilePermissions(directory).equals(DIRECTORY);
            try (Stream<Path> files = privateDir ? Files.walk(directory) : Files.list(directory)) {
                for (Path f : files.filter(f -> privateDir || f.getFileName().toString().startsWith(baseName + ".")).toList()) {
                    restrict(f);
                }
            }
        } catch (IOException | UncheckedIOException e) {
            LOG.warn("Cannot list the store directory {} to restrict its files: {}", directory, e.getMessage());
        }
    }

    /** Makes one file the gateway created under the store directory readable by its owner only. */
    public static void restrict(Path file) {
        try {
            if (Files.isRegularFile(file) && posix()) {
                Files.setPosixFilePermissions(file, FILE);
            }
        } catch (IOException e) {
            // H2 deletes its lock and temp files concurrently; a file gone is not an error.
            if (Files.exists(file)) {
                LOG.warn("Cannot make {} private (0600): {}", file, e.getMessage());
            }
        }
    }

    private static boolean posix() {
        return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    }
}
