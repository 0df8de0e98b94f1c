package dev.incidentgateway.audit;

import dev.incidentgateway.config.AuditSettings;
import dev.incidentgateway.config.ConfigException;
import dev.incidentgateway.config.GatewayConfig;
import dev.incidentgateway.ingest.WebhookTokenStore;
import dev.incidentgateway.security.ApiKeyStore;
import dev.incidentgateway.security.CredentialRowMacs;
import dev.incidentgateway.store.GatewaySecrets;
import dev.incidentgateway.store.SqlDialect;
import dev.incidentgateway.timeline.GlobalChain;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * {@code chain-key rotate}: replaces the chain key of a stopped store. Events up to the head stay hashed with the old key,
 * later ones use the new key, and the global chain runs on across the boundary. In the order that makes a crash at any
 * point recoverable:
 * <ol>
 *   <li>the new key goes to {@code chain.key.pending} (forced to disk);</li>
 *   <li>one transaction, under the append lock: reads the head, moves the store's fingerprint from the old key to the new
 *   one, records the rotation ({@link ChainKeyEpochRecords}) and seals every credential row anew with the new key;</li>
 *   <li>after the commit: the old key and its boundary are added to {@code chain-keys-retired}, then the pending file
 *   replaces {@code chain.key}.</li>
 * </ol>
 * A crash before the commit leaves a pending key the store does not know: it is deleted. A crash after it leaves a pending
 * key the store records: the next start (or {@code chain-key rotate} again) finishes steps 3 ({@link #finishPending}).
 */
public final class ChainKeyRotation {
    public static final String PENDING_FILE = "chain.key.pending";
    private static final Logger LOG = LoggerFactory.getLogger(ChainKeyRotation.class);

    /**
     * What a rotation did.
     *
     * @param lastEventId      the last event hashed with the old key ({@code null}: the log was empty)
     * @param refusedKeys      API keys whose row did not verify before: left as they were, still refused
     * @param refusedTokens    webhook token rows likewise, by source
     * @param finishedPrevious true when it only finished a rotation interrupted after its commit
     */
    public record Result(String lastEventId, List<String> refusedKeys, List<String> refusedTokens, boolean finishedPrevious) {
    }

    private ChainKeyRotation() {
    }

    public static Path pendingFile(GatewayConfig config) {
        return ChainKeys.keyFile(config).resolveSibling(PENDING_FILE);
    }

    /**
     * Rotates the key in the key file. The caller made sure no gateway runs on the store and that the key comes from the
     * file (not {@code GATEWAY_CHAIN_KEY}).
     *
     * @throws ConfigException when there is no key file, it is not the store's key, or the store has no keyed chain yet
     */
    public static Result rotate(GatewayConfig config, DataSource store, SqlDialect dialect) throws SQLException, IOException {
        if (finishPending(config, store)) {
            List<ChainKeyEpochRecords.Recorded> recorded = ChainKeyEpochRecords.read(store);
            return new Result(recorded.get(recorded.size() - 1).lastEventId(), List.of(), List.of(), true);
        }
        ChainKey old = ChainKeys.existing(config).orElseThrow(() -> new ConfigException("no chain key at "
                + ChainKeys.keyFile(config) + ": nothing to rotate (restore the key file of this store first)"));
        String stored = new GatewaySecrets(store).read(ChainKeys.CHECK_NAME);
        if (stored == null) {
            throw new ConfigException("this store has no keyed audit chain yet (no gateway has started on it): nothing to rotate");
        }
        if (!ChainKey.sameHash(stored, old.fingerprint())) {
            throw new ConfigException(ChainKeys.describe(config) + " is not the key this store's audit chain was written with");
        }
        ChainKey next = ChainKey.generate();
        Path pending = pendingFile(config);
        KeyFiles.replace(pending, next.encoded() + "\n");
        Result result;
        try {
            result = commit(store, dialect, old, next);
        } catch (SQLException | RuntimeException e) {
            Files.deleteIfExists(pending); // rolled back: the store still has the old key
            throw e;
        }
        moveFiles(config, old, result.lastEventId(), pending);
        return result;
    }

    /** Step 2, the one transaction: head, fingerprint, record of the rotation, credential rows. */
    private static Result commit(DataSource store, SqlDialect dialect, ChainKey old, ChainKey next) throws SQLException {
        try (Connection c = store.getConnection()) {
            c.setAutoCommit(false);
            try {
                if (dialect.appendLockSql() != null) {
                    try (Statement st = c.createStatement()) {
                        st.execute(dialect.appendLockSql()); // no append can commit past the head read below
                    }
                }
                GlobalChain.Head head = GlobalChain.readHead(c);
                String lastEventId = head == null ? null : head.lastEventId();
                try (PreparedStatement ps = c.prepareStatement("UPDATE gateway_secrets SET secret = ? WHERE name = ? AND secret = ?")) {
                    ps.setString(1, next.fingerprint());
                    ps.setString(2, ChainKeys.CHECK_NAME);
                    ps.setString(3, old.fingerprint());
                    if (ps.executeUpdate() != 1) {
                        throw new ConfigException("the store's chain key changed during the rotation: run it again");
                    }
                }
                int number = ChainKeyEpochRecords.readIn(c).size() + 1;
                ChainKeyEpochRecords.insert(c, number, old.fingerprint(), lastEventId);
                CredentialRowMacs before = CredentialRowMacs.from(old);
                CredentialRowMacs after = CredentialRowMacs.from(next);
                List<String> keys = new ApiKeyStore(null, before).reseal(c, after);
                List<String> tokens = new WebhookTokenStore(null, before).reseal(c, after);
                c.commit();
                return new Result(lastEventId, keys, tokens, false);
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    /** Step 3: the old key to the retired keys first, then the new key into place. */
    private static void moveFiles(GatewayConfig config, ChainKey old, String lastEventId, Path pending) throws IOException {
        RetiredChainKeys.append(RetiredChainKeys.file(config), new ChainKeyEpochs.Retired(old.fingerprint(), lastEventId, old));
        KeyFiles.moveInto(pending, ChainKeys.keyFile(config));
    }

    /**
     * Finishes a rotation interrupted between its commit and the key files: when {@code chain.key.pending} holds the key
     * the store records, the key file's key is retired with the boundary the store recorded for it and the pending key
     * becomes the key file. A pending key the store does not record (the transaction did not commit) is deleted.
     *
     * @return true when it finished one
     */
    public static boolean finishPending(GatewayConfig config, DataSource store) throws SQLException, IOException {
        Path pending = pendingFile(config);
        if (!config.get(AuditSettings.CHAIN_KEY).isBlank() || !Files.exists(pending)) {
            return false;
        }
        ChainKey next;
        try {
            next = ChainKey.parse(Files.readString(pending, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            next = null; // cut short while written: the rotation cannot have committed
        }
        String stored = new GatewaySecrets(store).read(ChainKeys.CHECK_NAME);
        if (next == null || !ChainKey.sameHash(stored, next.fingerprint())) {
            Files.delete(pending);
            LOG.warn("Deleted {}: the chain key rotation that wrote it did not commit; the store keeps its key", pending);
            return false;
        }
        ChainKey old = ChainKeys.existing(config).orElseThrow(() -> new ConfigException("cannot finish the interrupted chain "
                + "key rotation: " + ChainKeys.keyFile(config) + " (the retired key) is missing"));
        ChainKeyEpochRecords.Recorded boundary = ChainKeyEpochRecords.of(ChainKeyEpochRecords.read(store), old.fingerprint())
                .orElseThrow(() -> new ConfigException("cannot finish the interrupted chain key rotation: the store has no record "
                        + "of retiring " + ChainKeys.describe(config)));
        moveFiles(config, old, boundary.lastEventId(), pending);
        LOG.info("Finished the interrupted chain key rotation: {} now holds the new key, {} the retired one", ChainKeys.keyFile(config),
                RetiredChainKeys.file(config));
        return true;
    }
}
