package dev.incidentgateway.store;

import dev.incidentgateway.testsupport.GatewayProcess;
import dev.incidentgateway.testsupport.GatewayProcess.Launched;
import dev.incidentgateway.testsupport.ListeningSockets;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static dev.incidentgateway.testsupport.GatewayProcess.freePort;
import static dev.incidentgateway.testsupport.GatewayProcess.stop;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The shaded jar with the default embedded store, in an empty working directory with no GATEWAY_DB_URL: it
 * listens on its HTTP port and nowhere else, and {@code ./data} is {@code 0700} with every file in it
 * {@code 0600}. The same probe does see H2's port when a user opts into AUTO_SERVER, so it can fail.
 */
class EmbeddedStoreSecurityIT {
    private static GatewayProcess gw;

    @BeforeAll
    static void findJar() {
        gw = GatewayProcess.locate();
    }

    @Test
    void theDefaultStoreOpensNoListenerAndKeepsItsFilesPrivate(@TempDir Path dir) throws Exception {
        int port = freePort();
        Launched server = gw.start(dir, Map.of("GATEWAY_HTTP_PORT", Integer.toString(port)));
        try {
            gw.awaitHealthy(server);
            assertThat(ListeningSockets.tcpPorts(server.process().pid())).as("TCP ports the gateway listens on")
                    .containsExactly(port);
            assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"), "POSIX file system");
            Path data = dir.resolve("data");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data))).as("./data").isEqualTo("rwx------");
            List<Path> files;
            try (Stream<Path> all = Files.walk(data)) {
                files = all.filter(Files::isRegularFile).toList();
            }
            assertThat(files).as("files under ./data").isNotEmpty().anySatisfy(f -> assertThat(f.toString()).endsWith(".mv.db"));
            for (Path f : files) {
                assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).as(f.toString()).isEqualTo("rw-------");
            }
        } finally {
            stop(server.process());
        }
    }

    @Test
    void withAutoServerTheProbeSeesTheDatabasePortAndTheStartWarns(@TempDir Path dir) throws Exception {
        int port = freePort();
        Launched server = gw.start(dir, Map.of("GATEWAY_HTTP_PORT", Integer.toString(port),
                "GATEWAY_DB_URL", "jdbc:h2:file:./data/gateway;AUTO_SERVER=TRUE"));
        try {
            gw.awaitHealthy(server);
            assertThat(ListeningSockets.tcpPorts(server.process().pid())).as("HTTP plus H2's AUTO_SERVER port")
                    .contains(port).hasSizeGreaterThan(1);
            assertThat(Files.readString(server.log())).contains("AUTO_SERVER=TRUE").contains("opens a TCP port");
        } finally {
            stop(server.process());
        }
    }
}
