package dev.incidentgateway.audit;

import dev.incidentgateway.timeline.GlobalChainVerifier;

import java.io.IOException;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns checkpoints read from a file into anchors for {@link GlobalChainVerifier}: only those whose signature is
 * valid for a trusted public key (the gateway's, or those given to {@code verify}) count; every other entry is a
 * problem (a checkpoint signed by another key proves nothing, whatever public key it names).
 */
public final class CheckpointAnchors {
    /** Anchors to check, problems found in the file itself. */
    public record Result(List<GlobalChainVerifier.Anchor> anchors, List<String> problems) {
    }

    private CheckpointAnchors() {
    }

    /**
     * @param trusted the public keys whose signatures count: the gateway's, or the ones given to {@code verify} (several
     *                when instances sharing one database each sign with a key of their own)
     */
    public static Result from(Path file, List<CheckpointFile.Entry> entries, List<PublicKey> trusted) {
        List<GlobalChainVerifier.Anchor> anchors = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        List<String> ids = trusted.stream().map(CheckpointSigner::keyId).toList();
        String trustedIds = String.join(", ", ids);
        for (CheckpointFile.Entry e : entries) {
            String where = "checkpoint " + e.position() + " in " + file;
            if (e.checkpoint() == null) {
                problems.add(where + ": " + e.error());
                continue;
            }
            Checkpoint cp = e.checkpoint();
            String label = "checkpoint of " + cp.time() + " (" + cp.count() + " events)";
            if (trusted.stream().noneMatch(key -> CheckpointSigner.validSignature(cp, key))) {
                problems.add(label + " in " + file + ": the signature is not valid for the gateway's public key " + trustedIds
                        + (cp.keyId() != null && !ids.contains(cp.keyId()) ? " (it names key " + cp.keyId() + ")" : " (it was changed)"));
                continue;
            }
            anchors.add(new GlobalChainVerifier.Anchor(label, cp.lastEventId(), cp.count(), cp.headHash()));
        }
        return new Result(anchors, problems);
    }

    /** The latest entry of the gateway's own checkpoint file, if the file exists. */
    public static List<CheckpointFile.Entry> latestOf(Path file) throws IOException {
        return CheckpointFile.latest(file).map(List::of).orElse(List.of());
    }
}
