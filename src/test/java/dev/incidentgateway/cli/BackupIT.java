package dev.incidentgateway.cli;

import dev.incidentgateway.testsupport.GatewayProcess;
import dev.incidentgateway.testsupport.GatewayProcess.Command;
import dev.incidentgateway.testsupport.GatewayProcess.Launched;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.net.ServerSocket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code backup --to FILE} against the jar as operators run it: taken while the gateway serves (through its control
 * channel), the zip restores into an empty directory with {@code unzip}, and the restored store verifies with every
 * incident the gateway had acknowledged before the backup; the API keys work there. A backup never overwrites.
 */
class BackupIT {
    @Test
    void aBackupTakenWhileTheGatewayRunsRestoresIntoAnEmptyDirectoryAndVerifies(@TempDir Path dir, @TempDir Path restored)
            throws Exception {
        GatewayProcess gw = GatewayProcess.locate();
        String key = gw.createApiKey(dir, Map.of(), "ops", "read,write");
        int port = freePort();
        Launched server = gw.start(dir, Map.of("GATEWAY_HTTP_PORT", Integer.toString(port)));
        try {
            gw.awaitHealthy(server);
            for (int i = 1; i <= 5; i++) {
                HttpResponse<String> declared = gw.send(gw.request(port, "/api/v1/incidents").header("Authorization", "Bearer " + key)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"title\":\"Backed up " + i + "\",\"actor\":\"alice\"}")));
                assertThat(declared.statusCode()).as(declared.body()).isEqualTo(201);
            }

            Command backup = gw.command(dir, "backup", "--to", "nightly.zip");

            assertThat(backup.exitCode()).as(backup.output()).isEqualTo(0);
            assertThat(backup.stdout()).contains("Backed up the store").contains(dir.resolve("nightly.zip").toString());
            Command again = gw.command(dir, "backup", "--to", "nightly.zip");
            assertThat(again.exitCode()).as(again.output()).isEqualTo(2);
            assertThat(again.stderr()).contains("exists: a backup never overwrites");
        } finally {
            GatewayProcess.stop(server.process());
        }
        Path zip = dir.resolve("nightly.zip");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(zip))).isEqualTo("rw-------");
        Set<String> entries = unzip(zip, restored);
        assertThat(entries).contains("data/gateway.mv.db", "keys/chain.key");
        assertThat(entries).anyMatch(name -> name.startsWith("keys/checkpoint") && name.endsWith(".pub"));

        Command verified = gw.command(restored, "verify");
        assertThat(verified.exitCode()).as(verified.output()).isEqualTo(0);
        assertThat(verified.stdout()).contains("OK: 5 incidents, 5 events");
        Command keys = gw.command(restored, "api-key", "list");
        assertThat(keys.exitCode()).as(keys.output()).isEqualTo(0);
        assertThat(keys.stdout()).contains("ops");
    }

    @Test
    void withoutKeysTheZipHoldsNoKeyAndSaysToKeepThemWithIt(@TempDir Path dir) throws Exception {
        GatewayProcess gw = GatewayProcess.locate();
        gw.createApiKey(dir, Map.of(), "ops", "read"); // the store and keys/, as before a first start

        Command backup = gw.command(dir, "backup", "--to=store-only.zip", "--without-keys");

        assertThat(backup.exitCode()).as(backup.output()).isEqualTo(0);
        assertThat(backup.stdout()).contains("the keys directory was left out (--without-keys): keep it with this backup");
        // Never started: no checkpoint file yet, so the summary names only what the zip holds.
        assertThat(backup.stdout()).contains("Backed up the store to " + dir.resolve("store-only.zip") + " (1 files")
                .contains("there is no checkpoint file at").doesNotContain("the checkpoint file to");
        try (ZipFile zip = new ZipFile(dir.resolve("store-only.zip").toFile())) {
            assertThat(zip.stream().map(ZipEntry::getName)).containsExactly("data/gateway.mv.db");
        }
        assertThat(dir).isDirectoryNotContaining(p -> p.getFileName().toString().endsWith(".partial")
                || p.getFileName().toString().endsWith(".store.zip"));
    }

    private static Set<String> unzip(Path zip, Path into) throws Exception {
        Set<String> names = new HashSet<>();
        try (ZipFile file = new ZipFile(zip.toFile())) {
            for (Enumeration<? extends ZipEntry> e = file.entries(); e.hasMoreElements(); ) {
                ZipEntry entry = e.nextElement();
                names.add(entry.getName());
                Path target = into.resolve(entry.getName()).normalize();
                assertThat(target.startsWith(into)).as(entry.getName()).isTrue();
                Files.createDirectories(target.getParent());
                try (InputStream in = file.getInputStream(entry)) {
                    Files.copy(in, target);
                }
            }
        }
        return names;
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
