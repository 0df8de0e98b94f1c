package dev.incidentgateway.audit;

import ch.qos.logback.classic.Level;
import dev.incidentgateway.config.GatewayConfig;
import dev.incidentgateway.testsupport.CapturedLogs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A lost checkpoint key is generated anew at the next start, and the checkpoints signed before then verify only with
 * the old public key: the start says so at once (an operator found out only from {@code verify --checkpoint}).
 */
class CheckpointKeyChangeTest {
    @TempDir
    Path dir;

    @Test
    void aCheckpointFileLastSignedByAnotherKeyIsNamedAtTheStart() throws Exception {
        CheckpointSigner before = signerIn(dir.resolve("keys-before"));
        Path file = dir.resolve("checkpoints.jsonl");
        CheckpointFile.append(file, before.sign("01J0000000000000000000000", 3, "ab".repeat(32), Instant.parse("2026-12-01T00:00:00Z")));
        CheckpointSigner after = signerIn(dir.resolve("keys-after")); // the keys directory was lost: a new pair
        try (CapturedLogs logs = CapturedLogs.of(AuditModule.class.getName())) {
            AuditModule.warnIfLastSignedByAnotherKey(file, before);
            assertThat(logs.lines(e -> e.getLevel() == Level.WARN)).isEmpty();
            AuditModule.warnIfLastSignedByAnotherKey(file, after);
            assertThat(logs.lines(e -> e.getLevel() == Level.WARN)).singleElement().asString()
                    .contains(CheckpointSigner.keyId(before.publicKey()), CheckpointSigner.keyId(after.publicKey()), "--public-key");
            AuditModule.warnIfLastSignedByAnotherKey(dir.resolve("none.jsonl"), after); // a first start: nothing to say
            assertThat(logs.lines(e -> e.getLevel() == Level.WARN)).hasSize(1);
        }
    }

    private static CheckpointSigner signerIn(Path keysDir) {
        return CheckpointKeys.forGateway(GatewayConfig.load(Map.of("GATEWAY_KEYS_DIR", keysDir.toString()), Map.of()));
    }
}
