package dev.incidentgateway.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.incidentgateway.audit.KeyFiles;
import dev.incidentgateway.config.ConfigException;
import dev.incidentgateway.config.StoreSettings;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The local channel through which the CLI hands a store command to the running gateway that holds the
 * embedded H2 file (H2 lets one process open it): a directory {@code control} beside the H2 file. The CLI
 * drops {@code <id>.request.json} there (written under a hidden temporary name, then renamed, so the gateway
 * never reads half a file); the gateway runs the command in-process on its own DataSource and answers
 * {@code <id>.response.json} the same way.
 *
 * <p>There is no network listener: filesystem ownership and permissions are the security boundary. The directory is
 * the gateway user's own, {@code 0700}, and the files {@code 0600}; whoever can write there can also read (and
 * write) the database file beside it, so the channel gives nobody a power they did not already have. Because the
 * store's directory may be shared (it only gets a warning), a {@code control} directory someone else made there
 * beforehand is refused rather than used, and request files that are not the gateway user's own, or are links, are
 * not run.
 */
public final class ControlChannel {
    static final String REQUEST_SUFFIX = ".request.json";
    static final String RESPONSE_SUFFIX = ".response.json";
    static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<PosixFilePermission> OWNER_ONLY_DIR = PosixFilePermissions.fromString("rwx------");

    /** A command for the gateway: its name and arguments. */
    public record Request(String command, List<String> args) {
    }

    /** What the command printed and its exit code. */
    public record Response(int exitCode, String stdout, String stderr) {
    }

    private ControlChannel() {
    }

    /**
     * The control directory for a store URL: {@code <directory of the H2 file>/control} for an embedded H2
     * file URL ({@code jdbc:h2:file:./data/gateway}, {@code jdbc:h2:./data/gateway}, {@code ~} expanded);
     * empty for PostgreSQL, in-memory and H2 server URLs, which have no file lock to work around.
     */
    public static Optional<Path> directoryFor(String jdbcUrl) {
        if (!jdbcUrl.startsWith("jdbc:h2:")) {
            return Optional.empty();
        }
        String rest = jdbcUrl.substring("jdbc:h2:".length());
        int semicolon = rest.indexOf(';');
        String location = semicolon < 0 ? rest : rest.substring(0, semicolon);
        String lower = location.toLowerCase(Locale.ROOT);
        if (lower.startsWith("file:")) {
            location = location.substring("file:".length());
        } else if (lower.startsWith("mem:") || lower.startsWith("tcp:") || lower.startsWith("ssl:") || lower.startsWith("zip:")
                || location.matches("[a-zA-Z]{2,}:.*")) {
            return Optional.empty();
        }
        if (location.startsWith("~")) {
            location = System.getProperty("user.home") + location.substring(1);
        }
        Path parent = Path.of(location).toAbsolutePath().normalize().getParent();
        return parent == null ? Optional.empty() : Optional.of(parent.resolve("control"));
    }

    /**
     * {@link #prepare} for the gateway's start: a directory it cannot create is bad configuration of the store's URL, and
     * one that is not its own stops the start (exit 2), naming the directory and its owner: whoever owns it could run
     * store commands (an admin API key) and plant links the answers would be written through.
     */
    public static Path prepareForGateway(Path dir) {
        try {
            return prepare(dir);
        } catch (NotOwnException e) {
            throw new ConfigException(StoreSettings.DB_URL.problem("the control directory beside the H2 file " + e.getMessage()
                    + "; the gateway only uses a control directory of its own: remove it (or chown it to "
                    + e.gatewayUser + " and chmod 700 it if it is yours) and start again"));
        } catch (IOException e) {
            throw new ConfigException(StoreSettings.DB_URL.problem("cannot create the control directory " + dir
                    + " beside the H2 file: " + e.getMessage()));
        }
    }

    /**
     * Creates the directory {@code 0700} (parents as needed; made with that mode, never open for a moment), or checks
     * that an existing one is this user's own directory, not a symbolic link, and makes it owner-only.
     *
     * @throws NotOwnException when it is someone else's, a symbolic link or not a directory
     */
    public static Path prepare(Path dir) throws IOException {
        KeyFiles.ensureDirectory(dir);
        Optional<String> refusal = notOwn(dir, true);
        if (refusal.isPresent()) {
            throw new NotOwnException(refusal.get(), processUser().getName());
        }
        if (posix()) { // an existing directory of ours may have been opened up; NOFOLLOW_LINKS: no link is followed
            Files.getFileAttributeView(dir, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS).setPermissions(OWNER_ONLY_DIR);
        }
        return dir;
    }

    /**
     * Writes {@code value} as JSON to a new file {@code target} ({@code 0600}): through a temporary file with a name
     * nobody can guess, created new (never an existing file or link), then moved into place by an atomic rename, so a
     * reader never sees half a file.
     */
    static void writeAtomically(Path target, Object value) throws IOException {
        if (!KeyFiles.createNew(target, JSON.writeValueAsString(value))) {
            throw new FileAlreadyExistsException(target.toString(), null, "a control file of that name is already there");
        }
    }

    /**
     * The bytes of a control file that is a regular file (not a link) of this user.
     *
     * @throws NotOwnException for any other file, naming it and its owner
     */
    static byte[] readOwn(Path file) throws IOException {
        Optional<String> refusal = notOwn(file, false);
        if (refusal.isPresent()) {
            throw new NotOwnException(refusal.get(), processUser().getName());
        }
        try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
            return in.readAllBytes();
        }
    }

    /**
     * True when the directory exists and belongs to this process's user: a CLI (root's too) never sends its commands
     * into someone else's directory, whose owner could read them, answer in the gateway's place and plant links.
     */
    static boolean usable(Path dir) throws IOException {
        return Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS) && notOwn(dir, true).isEmpty();
    }

    /**
     * Why {@code path} is not a directory (or regular file) of this process's user, e.g. {@code "/x/control belongs to
     * nobody"}; empty when it is, or where the file system has no POSIX owners.
     */
    static Optional<String> notOwn(Path path, boolean directory) throws IOException {
        if (!posix()) {
            return Optional.empty();
        }
        PosixFileAttributes attributes = Files.readAttributes(path, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        String owner = attributes.owner().getName();
        if (attributes.isSymbolicLink()) {
            return Optional.of(path + " is a symbolic link (owner " + owner + ")");
        }
        if (directory ? !attributes.isDirectory() : !attributes.isRegularFile()) {
            return Optional.of(path + " is not a " + (directory ? "directory" : "regular file") + " (owner " + owner + ")");
        }
        return attributes.owner().equals(processUser()) ? Optional.empty()
                : Optional.of(path + " belongs to " + owner + ", not to " + processUser().getName());
    }

    /** A control directory or file that is not this user's own: the message names the path and its owner. */
    public static final class NotOwnException extends IOException {
        private final transient String gatewayUser;

        NotOwnException(String message, String gatewayUser) {
            super(message);
            this.gatewayUser = gatewayUser;
        }
    }

    /** This process's user, as file owners are compared (by uid). */
    private static UserPrincipal processUser() throws IOException {
        UserPrincipalLookupService users = FileSystems.getDefault().getUserPrincipalLookupService();
        try {
            return users.lookupPrincipalByName(System.getProperty("user.name"));
        } catch (UserPrincipalNotFoundException noPasswdEntry) { // e.g. a container's arbitrary uid: whoever owns a new file
            Path probe = Files.createTempFile("igw-owner", ".probe");
            try {
                return Files.getOwner(probe);
            } finally {
                Files.deleteIfExists(probe);
            }
        }
    }

    private static boolean posix() {
        return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    }
}
