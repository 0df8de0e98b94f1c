package dev.incidentgateway.audit;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.incidentgateway.api.ApiEndpoint;
import dev.incidentgateway.api.AuditApi;
import dev.incidentgateway.config.AuditSettings;
import dev.incidentgateway.config.GatewayConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.camel.builder.RouteBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

/**
 * The audit chain's part of a running gateway: the chain key (checked against the store), the checkpoint signer,
 * the checkpoint timer and endpoint, and a last checkpoint at shutdown.
 */
public final class AuditModule implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AuditModule.class);

    private final ChainKey chainKey;
    private final ChainKeyEpochs epochs;
    private final Checkpointer checkpointer;
    private final long intervalMs;

    private AuditModule(ChainKeyEpochs epochs, Checkpointer checkpointer, long intervalMs) {
        this.chainKey = epochs.current();
        this.epochs = epochs;
        this.checkpointer = checkpointer;
        this.intervalMs = intervalMs;
    }

    /** @throws dev.incidentgateway.config.ConfigException when a key is malformed, missing or not the store's */
    public static AuditModule create(GatewayConfig config, DataSource store) {
        return create(config, store, new SimpleMeterRegistry());
    }

    /** With the checkpoints' metrics in {@code meters}. */
    public static AuditModule create(GatewayConfig config, DataSource store, MeterRegistry meters) {
        ChainKeyEpochs keys = ChainKeys.epochs(config, ChainKeys.forGateway(config, store));
        warnIfRetiredKeysDisagree(config, store, keys);
        CheckpointSigner signer = CheckpointKeys.forGateway(config);
        Path file = Path.of(config.get(AuditSettings.CHECKPOINT_FILE));
        warnIfLastSignedByAnotherKey(file, signer);
        Checkpointer checkpointer = new Checkpointer(store, signer, file, Clock.systemUTC(), meters);
        return new AuditModule(keys, checkpointer, config.get(AuditSettings.CHECKPOINT_INTERVAL_S) * 1000L);
    }

    /**
     * A checkpoint file whose last checkpoint another key signed: the signing key was replaced (on purpose, or lost and
     * generated anew). Checkpoints signed before then verify only with the old public key, which the gateway no longer
     * has, so the operator hears it now rather than from {@code verify --checkpoint} when the proof is needed.
     */
    static void warnIfLastSignedByAnotherKey(Path file, CheckpointSigner signer) {
        try {
            CheckpointFile.latest(file).map(CheckpointFile.Entry::checkpoint)
                    .filter(last -> last.keyId() != null && !last.keyId().equals(CheckpointSigner.keyId(signer.publicKey())))
                    .ifPresent(last -> LOG.warn("The checkpoints in {} were signed with another key ({}) than this gateway's ({}): "
                            + "keep that key's public key (each of those checkpoints carries it in 'publicKey') and give it to "
                            + "'verify --checkpoint FILE --public-key OLD.pub', or the older checkpoints no longer prove anything",
                            file, last.keyId(), CheckpointSigner.keyId(signer.publicKey())));
        } catch (java.io.IOException e) {
            LOG.warn("Cannot read the checkpoint file {}: {}", file, e.getMessage());
        }
    }

    /**
     * The retired keys this gateway found against the store's record of rotations: it writes with the current key alone,
     * so it starts anyway, but the events before a rotation cannot be checked (GET …/verify, {@code verify}) without them.
     */
    private static void warnIfRetiredKeysDisagree(GatewayConfig config, DataSource store, ChainKeyEpochs keys) {
        try {
            List<String> problems = ChainKeyEpochRecords.mismatches(ChainKeyEpochRecords.read(store), keys.retired(),
                    RetiredChainKeys.file(config).toString());
            if (!problems.isEmpty()) {
                LOG.warn("The retired chain keys do not match the store's record of chain key rotations; verify will report "
                        + "it. Restore {} from the backup of the keys directory: {}", RetiredChainKeys.file(config), problems);
            }
        } catch (java.sql.SQLException e) {
            LOG.warn("Cannot read the store's record of chain key rotations: {}", e.getMessage());
        }
    }

    public ChainKey chainKey() {
        return chainKey;
    }

    /** The current key with the retired ones: what checks events written before a rotation (GET …/verify). */
    public ChainKeyEpochs chainKeyEpochs() {
        return epochs;
    }

    public Checkpointer checkpointer() {
        return checkpointer;
    }

    /** @param knownOutage true while the store's health probe knows it is down: a tick that fails then logs at DEBUG */
    public RouteBuilder routes(ObjectMapper json, ApiEndpoint.Settings endpoints, java.util.function.BooleanSupplier knownOutage) {
        return new AuditApi(checkpointer, json, endpoints, intervalMs, knownOutage);
    }

    /** Signs the final head, so the events of the last interval are covered too; after the writer stopped. */
    @Override
    public void close() {
        try {
            checkpointer.checkpointIfMoved();
        } catch (Exception e) {
            LOG.warn("No checkpoint at shutdown ({}): {}", e.getClass().getSimpleName(), e.getMessage());
        }
    }

    /**
     * {@link #close()} waiting at most until {@code deadline}: the checkpoint runs on a thread of its own, because a store
     * that stops answering holds a query until the pool's connection timeout (5 s) or the socket timeout (the append
     * timeout + 5 s), past the shutdown budget and Kubernetes' grace period. Abandoned then, it writes nothing.
     */
    public void close(java.time.Instant deadline) {
        Thread last = new Thread(this::close, "shutdown-checkpoint");
        last.setDaemon(true);
        last.start();
        try {
            last.join(Math.max(1, java.time.Duration.between(java.time.Instant.now(), deadline).toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (last.isAlive()) {
            checkpointer.abandon();
            LOG.warn("No checkpoint at shutdown: the store did not answer within the shutdown budget; the first checkpoint "
                    + "after the next start covers these events");
        }
    }

    /** At shutdown while the store's health probe reports it DOWN: waiting for it would only spend the budget. */
    public void skipCheckpoint() {
        LOG.warn("No checkpoint at shutdown: the store does not answer (/health DOWN); the first checkpoint after the next "
                + "start covers these events");
    }
}
