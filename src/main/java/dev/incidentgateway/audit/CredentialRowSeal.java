package dev.incidentgateway.audit;

import dev.incidentgateway.config.GatewayConfig;
import dev.incidentgateway.connectors.Connectors;
import dev.incidentgateway.ingest.GatewayTokenSources;
import dev.incidentgateway.ingest.WebhookTokenStore;
import dev.incidentgateway.security.ApiKeyStore;
import dev.incidentgateway.security.CredentialRowMacs;
import org.flywaydb.core.api.callback.Callback;
import org.flywaydb.core.api.callback.Context;
import org.flywaydb.core.api.callback.Event;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.List;
import java.util.function.Supplier;

/**
 * The one-time seal of credential rows written before row MACs, as a Flyway callback around the migration that brought
 * them ({@value #ROW_MACS_VERSION}, V15__credential_row_macs.sql): it runs only in the process that applies that
 * migration, right after it and (on PostgreSQL) in its transaction. Every {@code api_keys} and {@code webhook_tokens}
 * row then gets its MAC, and the plain-text webhook token of earlier versions, if still in {@code gateway_secrets},
 * becomes the token of each gateway-token source without one.
 *
 * <p>Why not at a start, as before: whatever in the database said "sealed already" (a mark in {@code credential_marks})
 * can be deleted by its owner, and the next start sealed the rows a database writer had planted. The process that
 * migrates knows from Flyway itself that it is the upgrade, and no later start, reload or command ever seals or adopts
 * again: a row without a MAC is refused ({@link CredentialRowMacs#problem}), a plain-text token ignored
 * ({@link WebhookTokenStore#refuseLegacyToken}). Like the seal of legacy events, a change made to a row before the
 * upgrade cannot be detected. Not covered: an owner who rewinds the schema to before V15 (drops what it added and its
 * history row) gets the next start to seal again; that start logs the INFO below.
 */
public final class CredentialRowSeal implements Callback {
    /** The Flyway version of the migration that brought row MACs. */
    public static final String ROW_MACS_VERSION = "15";
    private static final Logger LOG = LoggerFactory.getLogger(CredentialRowSeal.class);

    private final GatewayConfig config;
    private final Supplier<Collection<String>> tokenSources;
    /** Read before the migration runs, so a missing or wrong chain key stops the upgrade before it changes anything. */
    private ChainKey chainKey;
    private Collection<String> sources;

    private CredentialRowSeal(GatewayConfig config, Supplier<Collection<String>> tokenSources) {
        this.config = config;
        this.tokenSources = tokenSources;
    }

    /** For a process that migrates with {@code config}: the chain key and the connectors as that process finds them. */
    public static CredentialRowSeal atUpgrade(GatewayConfig config) {
        return new CredentialRowSeal(config, () -> GatewayTokenSources.of(Connectors.discover().descriptors(config)));
    }

    @Override
    public boolean supports(Event event, Context context) {
        return (event == Event.BEFORE_EACH_MIGRATE || event == Event.AFTER_EACH_MIGRATE) && context.getMigrationInfo() != null
                && context.getMigrationInfo().getVersion() != null
                && ROW_MACS_VERSION.equals(context.getMigrationInfo().getVersion().getVersion());
    }

    @Override
    public boolean canHandleInTransaction(Event event, Context context) {
        return true;
    }

    @Override
    public void handle(Event event, Context context) {
        try {
            if (event == Event.BEFORE_EACH_MIGRATE) {
                if (anythingToSeal(context.getConnection())) { // a new store has nothing: its key comes at its first start
                    chainKey = ChainKeys.forGateway(config, context.getConfiguration().getDataSource());
                    sources = tokenSources.get();
                }
            } else if (chainKey != null) {
                seal(context.getConnection());
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot seal the credential rows written before row MACs: " + e.getMessage(), e);
        }
    }

    private void seal(Connection c) throws SQLException {
        CredentialRowMacs macs = CredentialRowMacs.from(chainKey);
        List<String> keys = new ApiKeyStore(null, macs).sealUnsealed(c);
        WebhookTokenStore tokens = new WebhookTokenStore(null, macs);
        List<String> sealedTokens = tokens.sealUnsealed(c);
        LOG.info("Sealed the credential rows written before row MACs (API keys {}, webhook tokens of {}): from now on a key "
                + "or token row changed or added outside the gateway is refused, and verify reports it", keys, sealedTokens);
        List<String> adopted = tokens.adoptLegacyToken(c, sources);
        if (!adopted.isEmpty()) {
            LOG.info("Upgraded the webhook token of earlier versions: webhook sources {} keep accepting it, now stored "
                    + "hashed; its plain-text copy is deleted. Give each source a token of its own with: java -jar "
                    + "incident-gateway.jar webhook-token --source <name> --rotate", adopted);
        }
    }

    /** Whether the store has a key, a token or the plain-text token of earlier versions (tables from V2, V7, V8). */
    private static boolean anythingToSeal(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT (SELECT COUNT(*) FROM api_keys) + (SELECT COUNT(*) FROM "
                + "webhook_tokens) + (SELECT COUNT(*) FROM gateway_secrets WHERE name = ?)")) {
            ps.setString(1, WebhookTokenStore.LEGACY_SECRET_NAME);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getLong(1) > 0;
            }
        }
    }

    @Override
    public String getCallbackName() {
        return "credential-row-seal";
    }
}
