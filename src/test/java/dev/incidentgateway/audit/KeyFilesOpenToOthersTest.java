package dev.incidentgateway.audit;

import dev.incidentgateway.config.GatewayConfig;
import dev.incidentgateway.testsupport.CapturedLogs;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * An existing keys directory or key file that other users can reach is used, with one WARN naming the path and its
 * mode (security review of 2026-12-03, finding 4: a {@code 0777} keys dir with a {@code 0644} chain.key was used
 * silently). Not refused: Kubernetes secret volumes have {@code 0644} files by default.
 */
class KeyFilesOpenToOthersTest {
    @TempDir
    Path tmp;

    @BeforeEach
    void posixOnly() {
        assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"));
    }

    @Test
    void anOpenKeysDirectoryAndAReadableChainKeyAreUsedWithOneWarningEach() throws Exception {
        GatewayConfig config = config(tmp.resolve("keys"));
        Path key = ChainKeys.keyFile(config);
        assertThat(KeyFiles.createNew(key, ChainKey.generate().encoded())).isTrue();
        Files.setPosixFilePermissions(key.getParent(), PosixFilePermissions.fromString("rwxrwxrwx"));
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
        try (CapturedLogs logs = CapturedLogs.of(KeyFiles.class.getName())) {
            assertThat(ChainKeys.existing(config)).isPresent();
            assertThat(ChainKeys.existing(config)).as("read again, e.g. by verify").isPresent();
            assertThat(logs.lines(e -> true)).containsExactly(
                    "WARN The keys directory " + key.getParent() + " is rwxrwxrwx: other users can replace the key files in it; "
                            + "chmod 700 it (the gateway uses it anyway)",
                    "WARN The key file " + key + " is rw-r--r--: other users can read or replace the key; chmod 600 it "
                            + "(the gateway uses it anyway)");
        }
    }

    @Test
    void aReadableCheckpointSigningKeyIsUsedWithAWarning() throws Exception {
        GatewayConfig config = config(tmp.resolve("keys"));
        CheckpointKeys.forGateway(config); // generates the pair
        Path priv = CheckpointKeys.privateKeyFile(config);
        Files.setPosixFilePermissions(priv, PosixFilePermissions.fromString("rw-rw----"));
        try (CapturedLogs logs = CapturedLogs.of(KeyFiles.class.getName())) {
            assertThat(CheckpointKeys.forGateway(config).pairMatches()).isTrue();
            assertThat(logs.lines(e -> true)).containsExactly("WARN The key file " + priv + " is rw-rw----: other users can "
                    + "read or replace the key; chmod 600 it (the gateway uses it anyway)");
        }
    }

    @Test
    void privateOrMerelyListableKeysGiveNoWarning() throws Exception {
        GatewayConfig config = config(tmp.resolve("keys"));
        try (CapturedLogs logs = CapturedLogs.of(KeyFiles.class.getName())) {
            CheckpointKeys.forGateway(config); // generated: 0700 / 0600
            Path key = ChainKeys.keyFile(config);
            assertThat(KeyFiles.createNew(key, ChainKey.generate().encoded())).isTrue();
            Files.setPosixFilePermissions(key.getParent(), PosixFilePermissions.fromString("rwxr-xr-x")); // others cannot replace
            assertThat(ChainKeys.existing(config)).isPresent();
            assertThat(logs.lines(e -> true)).isEmpty();
        }
    }

    private static GatewayConfig config(Path keysDir) {
        return GatewayConfig.load(Map.of("GATEWAY_KEYS_DIR", keysDir.toString()), Map.of());
    }
}
