package dev.incidentgateway.audit;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.incidentgateway.config.ConfigException;
import dev.incidentgateway.config.GatewayConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CheckpointTest {
    private static final String HEAD = "ab".repeat(32);

    private static CheckpointSigner signer(Path dir) {
        return CheckpointKeys.forGateway(GatewayConfig.load(Map.of("GATEWAY_KEYS_DIR", dir.toString()), Map.of()));
    }

    @Test
    void aSignatureHoldsForTheGatewaysKeyOnlyAndOnlyForTheSignedFacts(@TempDir Path dir) throws Exception {
        CheckpointSigner ours = signer(dir.resolve("a"));
        CheckpointSigner other = signer(dir.resolve("b"));
        Checkpoint cp = ours.sign("01JAAAAAAAAAAAAAAAAAAAAAAA", 42, HEAD, Instant.parse("2026-11-30T12:00:00Z"));
        assertThat(CheckpointSigner.validSignature(cp, ours.publicKey())).isTrue();
        assertThat(CheckpointSigner.validSignature(cp, other.publicKey())).isFalse();
        Checkpoint moreEvents = new Checkpoint(cp.lastEventId(), 43, cp.headHash(), cp.time(), cp.keyId(), cp.publicKey(), cp.signature());
        assertThat(CheckpointSigner.validSignature(moreEvents, ours.publicKey())).isFalse();
        // The same key read back from its files (a restart) still verifies, and the key files are owner-only.
        assertThat(CheckpointSigner.validSignature(cp, signer(dir.resolve("a")).publicKey())).isTrue();
        Path priv = dir.resolve("a").resolve(CheckpointKeys.DEFAULT_FILE);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(priv))).isEqualTo("rw-------");
        assertThat(Files.readString(priv)).startsWith("-----BEGIN PRIVATE KEY-----");
    }

    @Test
    void aConfiguredKeyFileWithoutItsPublicKeyIsRefusedNamingTheFix(@TempDir Path dir) throws Exception {
        signer(dir);
        Path priv = dir.resolve(CheckpointKeys.DEFAULT_FILE);
        Files.delete(dir.resolve(CheckpointKeys.DEFAULT_FILE + ".pub"));
        assertThatThrownBy(() -> CheckpointKeys.forGateway(GatewayConfig.load(Map.of("GATEWAY_CHECKPOINT_KEY_FILE", priv.toString()), Map.of())))
                .isInstanceOf(ConfigException.class).hasMessageContaining("openssl pkey");
    }

    @Test
    void theFileIsAppendedOneLineEachAndReadAsLinesObjectOrArray(@TempDir Path dir) throws Exception {
        CheckpointSigner s = signer(dir.resolve("k"));
        Path file = dir.resolve("data").resolve("checkpoints.jsonl");
        Checkpoint first = s.sign("01JAAAAAAAAAAAAAAAAAAAAAAA", 1, HEAD, Instant.parse("2026-11-30T12:00:00Z"));
        Checkpoint second = s.sign("01JBBBBBBBBBBBBBBBBBBBBBBB", 2, HEAD, Instant.parse("2026-11-30T12:01:00Z"));
        CheckpointFile.append(file, first);
        CheckpointFile.append(file, second);
        assertThat(Files.readAllLines(file)).hasSize(2);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(CheckpointFile.readAll(file)).extracting(CheckpointFile.Entry::checkpoint).containsExactly(first, second);
        assertThat(CheckpointFile.latest(file).orElseThrow().checkpoint()).isEqualTo(second);

        ObjectMapper json = new ObjectMapper();
        Path pretty = dir.resolve("copied.json");
        Files.writeString(pretty, json.writerWithDefaultPrettyPrinter().writeValueAsString(second.toJson().put("publicKeyPem", "x")));
        assertThat(CheckpointFile.readAll(pretty)).extracting(CheckpointFile.Entry::checkpoint).containsExactly(second);
        Path array = dir.resolve("array.json");
        Files.writeString(array, json.writeValueAsString(List.of(first.toJson(), second.toJson())));
        assertThat(CheckpointFile.readAll(array)).extracting(CheckpointFile.Entry::checkpoint).containsExactly(first, second);

        Path broken = dir.resolve("broken.json");
        Files.writeString(broken, "{\"lastEventId\":\"x\"}\n");
        assertThat(CheckpointFile.readAll(broken)).singleElement().satisfies(e -> assertThat(e.error()).contains("count"));
    }
}
