package dev.incidentgateway.timeline;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.incidentgateway.audit.Checkpoint;
import dev.incidentgateway.audit.CheckpointFile;
import dev.incidentgateway.audit.CheckpointKeys;
import dev.incidentgateway.audit.CheckpointSigner;
import dev.incidentgateway.config.AuditSettings;
import dev.incidentgateway.config.GatewayConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Signed checkpoints of the audit chain against a database admin, on each kind of store (H2 and PostgreSQL
 * subclasses): the newest events deleted (seen only against a checkpoint, and never signed over after), checkpoints
 * after a restart, forged checkpoints, copied checkpoint files and endpoint bodies, keys of other instances and rotation.
 */
abstract class AuditChainCheckpointsContract extends AuditChainHarness {
    @Test
    void theNewestEventsDeletedAreDetectedAgainstTheCheckpoint() throws Exception {
        startGateway();
        appendWorkload();
        store.append(declare("D-1"));
        store.append(note("D-1", "the evidence"));
        Checkpoint cp = checkpoint();
        admin.deleteIncident("D-1");
        admin.deleteNewestEvents(2); // and C-1 and A-1 lose their last note; views rebuilt to match
        new ViewRebuilder(dataSource, dialect).rebuild();

        Run chainsOnly = verifyWithout(config.get(AuditSettings.CHECKPOINT_FILE));
        assertThat(chainsOnly.exit()).as("the chains alone cannot see a cut tail: " + chainsOnly.output()).isZero();
        Run run = verify();
        assertThat(run.exit()).as(run.output()).isEqualTo(1);
        assertThat(run.output()).contains("its last event " + cp.lastEventId() + " is not in the log");

        // The gateway's next checkpoint (timer, or its stop) must not sign what is left: as the file's latest it would be
        // the one verify checks, and the removal would pass (before: OK after one restart).
        assertThat(audit.checkpointer().checkpointIfMoved()).isEmpty();
        assertThat(audit.checkpointer().latest()).contains(cp);
        store.append(note("A-1", "after the removal")); // the head moves on: still nothing signed over the cut log
        assertThat(audit.checkpointer().checkpointIfMoved()).isEmpty();
        Run later = verify();
        assertThat(later.exit()).as(later.output()).isEqualTo(1);
        assertThat(later.output()).contains("its last event " + cp.lastEventId() + " is not in the log");
    }

    @Test
    void eventsRemovedBeforeTheLastCheckpointedOneStopTheCheckpointsAfterARestart() throws Exception {
        startGateway();
        appendWorkload();
        Checkpoint cp = checkpoint();
        admin.deleteIncident("B-1"); // older events: the checkpoint's own last event is still there, with its global hash
        store.append(note("A-1", "after the removal"));
        // As after a restart: a checkpointer that reads the file and counts the log from its start.
        dev.incidentgateway.audit.Checkpointer restarted = new dev.incidentgateway.audit.Checkpointer(dataSource,
                audit.checkpointer().signer(), Path.of(config.get(AuditSettings.CHECKPOINT_FILE)), java.time.Clock.systemUTC());
        assertThat(restarted.checkpointIfMoved()).as("fewer events than the last checkpoint counted").isEmpty();
        assertThat(restarted.latest()).contains(cp);
        Run run = verify();
        assertThat(run.exit()).as("the global chain shows the gap too: " + run.output()).isEqualTo(1);
    }

    /** verify with the default checkpoint file moved away. */
    Run verifyWithout(String checkpointFile) throws Exception {
        Path file = Path.of(checkpointFile);
        Path aside = file.resolveSibling("aside.jsonl");
        Files.move(file, aside);
        try {
            return verify();
        } finally {
            Files.move(aside, file);
        }
    }

    @Test
    void aCheckpointSignedByAnotherKeyIsRefused(@TempDir Path dir) throws Exception {
        startGateway();
        appendWorkload();
        Checkpoint real = checkpoint();
        CheckpointSigner stranger = CheckpointKeys.forGateway(GatewayConfig.load(Map.of("GATEWAY_KEYS_DIR", dir.toString()), Map.of()));
        Path forged = dir.resolve("forged.jsonl");
        CheckpointFile.append(forged, stranger.sign(real.lastEventId(), real.count(), real.headHash(), real.time()));

        Run run = verify("--checkpoint", forged.toString());
        assertThat(run.exit()).as(run.output()).isEqualTo(1);
        assertThat(run.output()).contains("signature is not valid for the gateway's public key");
    }

    @Test
    void aCopiedCheckpointFileOrEndpointBodyVerifiesWithTheKeepersPublicKey(@TempDir Path dir) throws Exception {
        startGateway();
        appendWorkload();
        checkpoint();
        store.append(note("A-1", "later"));
        Checkpoint second = checkpoint();
        Path copy = Files.copy(Path.of(config.get(AuditSettings.CHECKPOINT_FILE)), dir.resolve("kept.jsonl"));
        store.append(note("C-1", "after the last checkpoint")); // a log that only grew still holds

        Run run = verify("--checkpoint", copy.toString());
        assertThat(run.exit()).as(run.output()).isZero();
        assertThat(run.output()).contains("2 signed checkpoints");

        Path body = dir.resolve("endpoint.json");
        Files.writeString(body, new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(second.toJson()));
        Path publicKey = dir.resolve("gateway.pub");
        Files.writeString(publicKey, audit.checkpointer().signer().publicKeyPem());
        Run kept = verify("--checkpoint", body.toString(), "--public-key", publicKey.toString());
        assertThat(kept.exit()).as(kept.output()).isZero();
        assertThat(kept.output()).contains("1 signed checkpoint");
    }

    @Test
    void checkpointsOfInstancesWithKeysOfTheirOwnVerifyWithEachOnesPublicKey(@TempDir Path dir) throws Exception {
        startGateway();
        appendWorkload();
        Checkpoint ours = checkpoint();
        // A second instance on the same database signs with a key of its own (default: its own keys directory).
        CheckpointSigner other = CheckpointKeys.forGateway(GatewayConfig.load(Map.of("GATEWAY_KEYS_DIR", dir.resolve("b").toString()), Map.of()));
        Path kept = dir.resolve("kept.jsonl");
        CheckpointFile.append(kept, ours);
        CheckpointFile.append(kept, other.sign(ours.lastEventId(), ours.count(), ours.headHash(), ours.time()));
        Path ourKey = Files.writeString(dir.resolve("a.pub"), audit.checkpointer().signer().publicKeyPem());
        Path otherKey = Files.writeString(dir.resolve("b.pub"), other.publicKeyPem());

        Run both = verify("--checkpoint", kept.toString(), "--public-key", ourKey.toString(), "--public-key", otherKey.toString());
        assertThat(both.exit()).as(both.output()).isZero();
        assertThat(both.output()).contains("2 signed checkpoints");
        Run oneKey = verify("--checkpoint", kept.toString(), "--public-key", ourKey.toString());
        assertThat(oneKey.exit()).as("the other instance's checkpoint proves nothing without its key: " + oneKey.output()).isEqualTo(1);
    }

    /**
     * README "Rotating": after a checkpoint key change the file holds checkpoints of the old key and of the current one;
     * {@code --public-key old.pub} adds the old key to the gateway's own, which is always accepted (it replaced it
     * before, and the current key's checkpoints were then BROKEN).
     */
    @Test
    void aGivenPublicKeyAddsToTheGatewaysOwnAfterARotation(@TempDir Path dir) throws Exception {
        startGateway();
        appendWorkload();
        Checkpoint current = checkpoint();
        CheckpointSigner old = CheckpointKeys.forGateway(GatewayConfig.load(Map.of("GATEWAY_KEYS_DIR", dir.resolve("old").toString()), Map.of()));
        Path kept = dir.resolve("kept.jsonl");
        CheckpointFile.append(kept, old.sign(current.lastEventId(), current.count(), current.headHash(), current.time()));
        CheckpointFile.append(kept, current);
        Path oldKey = Files.writeString(dir.resolve("old.pub"), old.publicKeyPem());

        Run rotated = verify("--checkpoint", kept.toString(), "--public-key", oldKey.toString());
        assertThat(rotated.exit()).as(rotated.output()).isZero();
        assertThat(rotated.output()).contains("2 signed checkpoints");
    }

}
