package dev.incidentgateway.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.incidentgateway.config.ConfigException;
import dev.incidentgateway.config.GatewayConfig;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
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
 * <p>There is no network listener: filesystem permissions are the security boundary. The directory is
 * {@code 0700} and the files {@code 0600}; whoever can write there can also read (and write) the database
 * file beside it, so the channel gives nobody a power they did not already have.
 */
public final class ControlChannel {
    static final String REQUEST_SUFFIX = ".request.json";
    static final String RESPONSE_SUFFIX = ".response.json";
    static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<PosixFilePermission> OWNER_ONLY_DIR = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> OWNER_ONLY_FILE = PosixFilePermissions.fromString("rw-------");

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

    /** {@link #prepare} for the gateway's start: a directory it cannot create is bad configuration of the store's URL. */
    public static Path prepareForGateway(Path dir) {
        try {
            return prepare(dir);
        } catch (IOException e) {
            throw new ConfigException(GatewayConfig.DB_URL.problem("cannot create the control directory " + dir
                    + " beside the H2 file: " + e.getMessage()));
        }
    }

    /** Creates the directory (and its parents) owner-only, or makes an existing one owner-only. */
    public static Path prepare(Path dir) throws IOException {
        Files.createDirectories(dir);
        if (posix()) {
            Files.setPosixFilePermissions(dir, OWNER_ONLY_DIR);
        }
        return dir;
    }

    /** Writes {@code value} as JSON to {@code target}: a hidden temporary file first, then an atomic rename. */
    static void writeAtomically(Path target, Object value) throws IOException {
        Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp");
        Files.write(tmp, JSON.writeValueAsBytes(value));
        if (posix()) {
            Files.setPosixFilePermissions(tmp, OWNER_ONLY_FILE);
        }
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** True when the directory exists and belongs to this process's user (never trust someone else's). */
    static boolean usable(Path dir) throws IOException {
        return Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)
                && (!posix() || Files.getOwner(dir).getName().equals(System.getProperty("user.name"))
                || "root".equals(System.getProperty("user.name")));
    }

    private static boolean posix() {
        return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    }
}
