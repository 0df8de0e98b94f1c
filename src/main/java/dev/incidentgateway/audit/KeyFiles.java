package dev.incidentgateway.audit;

import dev.incidentgateway.security.OpenToOthers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Files that hold keys or evidence: directories {@code 0700}, files {@code 0600} from the moment they exist
 * (created with the permission, not chmod-ed afterwards), written whole or not at all. Existing ones are used as they
 * are, with a warning when other users can reach them ({@link #warnIfOpen}).
 */
public final class KeyFiles {
    private static final Logger LOG = LoggerFactory.getLogger(KeyFiles.class);
    private static final Set<PosixFilePermission> DIR = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

    private KeyFiles() {
    }

    /** Owner-only file permission where the file system has POSIX permissions, else none. */
    public static FileAttribute<?>[] ownerOnlyFile(Path anyPathOnTheFileSystem) {
        return posix(anyPathOnTheFileSystem) ? new FileAttribute<?>[]{PosixFilePermissions.asFileAttribute(FILE)} : new FileAttribute<?>[0];
    }

    /**
     * Warns (once per process) when the directory of a key file is writable by others (they could put their own key in
     * its place) or the key file is readable or writable by others. Not a refusal: a Kubernetes secret volume has
     * {@code 0644} files by default, and the key works as before.
     */
    public static void warnIfOpen(Path keyFile) {
        Path abs = keyFile.toAbsolutePath();
        if (abs.getParent() != null) {
            OpenToOthers.warnIf(LOG, abs.getParent(), OpenToOthers.WRITE, "The keys directory",
                    "other users can replace the key files in it; chmod 700 it (the gateway uses it anyway)");
        }
        OpenToOthers.warnIf(LOG, abs, OpenToOthers.READ_OR_WRITE, "The key file",
                "other users can read or replace the key; chmod 600 it (the gateway uses it anyway)");
    }

    /** Creates the directory (and parents) {@code 0700} if it does not exist; an existing one is left as it is. */
    public static void ensureDirectory(Path dir) throws IOException {
        Path abs = dir.toAbsolutePath();
        if (Files.isDirectory(abs)) {
            return;
        }
        if (abs.getParent() != null) {
            Files.createDirectories(abs.getParent());
        }
        try {
            if (posix(abs.getParent())) {
                Files.createDirectory(abs, PosixFilePermissions.asFileAttribute(DIR));
            } else {
                Files.createDirectory(abs);
            }
        } catch (FileAlreadyExistsException raced) {
            // another process made it first
        }
    }

    /**
     * Writes a new file {@code 0600} atomically: the content goes to a temporary file in the same directory
     * that is then moved into place, so a reader never sees half a key.
     *
     * @return false if the file already existed (another process wrote it first); it is left unchanged
     */
    public static boolean createNew(Path file, String content) throws IOException {
        Path abs = file.toAbsolutePath();
        ensureDirectory(abs.getParent());
        Path tmp = Files.createTempFile(abs.getParent(), "." + abs.getFileName(), ".tmp", ownerOnlyFile(abs.getParent()));
        try {
            Files.writeString(tmp, content, StandardCharsets.UTF_8);
            if (Files.exists(abs)) {
                return false;
            }
            Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE);
            return true;
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * Writes {@code file} {@code 0600} whole, replacing what is there: the content goes to a temporary file in the same
     * directory, is forced to disk and then moved into place, and the directory is forced too, so after a crash the file
     * holds either the old content or the new one, never a part (a key rotation depends on it).
     */
    public static void replace(Path file, String content) throws IOException {
        Path abs = file.toAbsolutePath();
        ensureDirectory(abs.getParent());
        Path tmp = Files.createTempFile(abs.getParent(), "." + abs.getFileName(), ".tmp", ownerOnlyFile(abs.getParent()));
        try {
            try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
                ch.write(java.nio.ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8)));
                ch.force(true);
            }
            Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            forceDirectory(abs.getParent());
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Moves {@code from} onto {@code to} atomically (replacing it) and forces the directory: the rename survives a crash. */
    public static void moveInto(Path from, Path to) throws IOException {
        Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        forceDirectory(to.toAbsolutePath().getParent());
    }

    private static void forceDirectory(Path dir) {
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(dir, java.nio.file.StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException notOnThisFileSystem) {
            // Windows cannot open a directory; its rename is durable on its own
        }
    }

    private static boolean posix(Path p) {
        return p != null && p.getFileSystem().supportedFileAttributeViews().contains("posix");
    }
}
