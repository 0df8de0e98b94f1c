package dev.incidentgateway.cli;

import dev.incidentgateway.testsupport.GatewayProcess;
import dev.incidentgateway.testsupport.GatewayProcess.Command;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A command run by a user who cannot use the embedded store (another user than the gateway's, or a ./data without
 * permission) says so at once, naming the path, with the store-error exit code, instead of waiting out the start-up
 * wait (30 s) or reporting that there is no store. As root (whom permissions do not stop) the command runs as
 * {@code nobody} through runuser; as anyone else the data directory is made inaccessible.
 */
class StoreAccessIT {
    /** Generous: the point is "not the 30 s start-up wait". */
    private static final Duration NOT_THE_STARTUP_WAIT = Duration.ofSeconds(20);

    @Test
    void aUserWhoCannotUseTheStoreIsToldAtOnceNamingThePath(@TempDir Path dir) throws Exception {
        assumeTrue(dir.getFileSystem().supportedFileAttributeViews().contains("posix"));
        GatewayProcess jar = GatewayProcess.locate();
        jar.createApiKey(dir, Map.of(), "first", "read"); // makes ./data (0700) with the store, as this user
        Path data = dir.resolve("data").toRealPath();
        List<String> otherUser = List.of();
        boolean root = "root".equals(System.getProperty("user.name"));
        if (root) {
            otherUser = List.of("runuser", "-u", "nobody", "--");
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x")); // nobody may enter dir, not data
            Process check = new ProcessBuilder(List.of("runuser", "-u", "nobody", "--", "test", "-r",
                    System.getProperty("gateway.jar", "target/incident-gateway.jar"))).start();
            assumeTrue(check.waitFor(10, TimeUnit.SECONDS) && check.exitValue() == 0, "runuser works and nobody can read the jar");
        } else {
            Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("---------"));
        }
        try {
            for (String[] command : new String[][] {{"api-key", "list"}, {"verify"}}) {
                long started = System.nanoTime();
                Command run = jar.commandAs(otherUser, dir, Map.of(), command);
                assertThat(Duration.ofNanos(System.nanoTime() - started)).as(run.toString()).isLessThan(NOT_THE_STARTUP_WAIT);
                assertThat(run.exitCode()).as(run.toString()).isEqualTo(3);
                assertThat(run.stderr()).as(run.toString()).contains(command[0] + " failed: cannot read and write the store at " + data
                        + ": permission denied").doesNotContain("\tat ");
            }
        } finally {
            Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwx------"));
        }
    }
}
