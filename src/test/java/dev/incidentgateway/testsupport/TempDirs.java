package dev.incidentgateway.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * Temp directories and files for fixtures made outside JUnit's lifecycle (a store, a gateway's routes or connectors
 * directory, built in a harness constructor or a static setup), deleted when the test JVM exits. JUnit's
 * {@code @TempDir} serves a test method or class; these fixtures are shared and closed in many ways, and one
 * {@code mvn verify} used to leave about a thousand store directories in {@code /tmp}. At exit no test runs any
 * more, so a gateway still closing cannot lose a file it needs; on Linux it keeps writing to its open files anyway.
 */
public final class TempDirs {
    private static final Set<Path> MADE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(TempDirs::deleteAll, "temp-dirs-cleanup"));
    }

    private TempDirs() {
    }

    /** {@link Files#createTempDirectory(String, java.nio.file.attribute.FileAttribute[])}, deleted with its contents at exit. */
    public static Path directory(String prefix) throws IOException {
        return remember(Files.createTempDirectory(prefix));
    }

    /** {@link Files#createTempFile(String, String, java.nio.file.attribute.FileAttribute[])}, deleted at exit. */
    public static Path file(String prefix, String suffix) throws IOException {
        return remember(Files.createTempFile(prefix, suffix));
    }

    private static Path remember(Path path) {
        MADE.add(path);
        return path;
    }

    private static void deleteAll() {
        MADE.forEach(TempDirs::deleteQuietly);
    }

    /** Best effort: whatever cannot be deleted stays, as it did before. */
    private static void deleteQuietly(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // left in place
                }
            });
        } catch (IOException | RuntimeException ignored) {
            // already gone, or unreadable: left in place
        }
    }
}
