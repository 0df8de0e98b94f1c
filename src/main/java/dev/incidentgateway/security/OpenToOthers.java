package dev.incidentgateway.security;

import org.slf4j.Logger;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The one check behind the start's warnings about a private path that other users can reach (the store directory, the
 * keys directory, a key file): a WARN naming the path and its mode, once per path and mode in a process. It warns and
 * does not refuse: such a path may be shared on purpose ({@code /srv}), or be a Kubernetes secret volume ({@code 0644}
 * files by default).
 */
public final class OpenToOthers {
    /** Any permission of the group or of others (a directory that should be {@code 0700}). */
    public static final Set<PosixFilePermission> ANY = EnumSet.of(PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE,
            PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE,
            PosixFilePermission.OTHERS_EXECUTE);
    /** Writing by the group or others (a directory whose files they could replace). */
    public static final Set<PosixFilePermission> WRITE = EnumSet.of(PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_WRITE);
    /** Reading or writing by the group or others (a secret file). */
    public static final Set<PosixFilePermission> READ_OR_WRITE = EnumSet.of(PosixFilePermission.GROUP_READ,
            PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE);

    private static final Set<String> WARNED = ConcurrentHashMap.newKeySet();

    private OpenToOthers() {
    }

    /**
     * Logs {@code "<what> <path> is <mode>: <consequence>"} at WARN when {@code path} exists and has any of {@code open}
     * (its target's mode for a symbolic link, as a reader gets it); nothing without POSIX permissions.
     *
     * @return true when the path has any of them (whether or not this call was the one that logged it)
     */
    public static boolean warnIf(Logger log, Path path, Set<PosixFilePermission> open, String what, String consequence) {
        Set<PosixFilePermission> actual;
        try {
            if (!path.getFileSystem().supportedFileAttributeViews().contains("posix") || !Files.exists(path)) {
                return false;
            }
            actual = Files.getPosixFilePermissions(path);
        } catch (IOException e) {
            return false; // unreadable attributes: whatever uses the path reports that
        }
        if (actual.stream().noneMatch(open::contains)) {
            return false;
        }
        String mode = PosixFilePermissions.toString(actual);
        if (WARNED.add(path.toAbsolutePath().normalize() + " " + mode)) {
            log.warn("{} {} is {}: {}", what, path, mode, consequence);
        }
        return true;
    }
}
