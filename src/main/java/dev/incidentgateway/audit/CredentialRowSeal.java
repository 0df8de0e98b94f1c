package dev.incidentgateway.audit;

import dev.incidentgateway.ingest.WebhookTokenStore;
import dev.incidentgateway.security.ApiKeyStore;
import dev.incidentgateway.security.CredentialMarks;
import dev.incidentgateway.security.CredentialRowMacs;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * The one-time seal of credential rows written before row MACs: at the first start (or key-writing command) of the
 * version that brought them, every {@code api_keys} and {@code webhook_tokens} row without a MAC gets one, then the mark
 * {@link CredentialMarks#LEGACY_ROWS_SEALED} is added. From then on a row without a MAC is refused, so a database user
 * cannot get a row of their own sealed by clearing its MAC. Like the seal of legacy events, a change made to a row
 * before the upgrade cannot be detected.
 */
public final class CredentialRowSeal {
    private static final Logger LOG = LoggerFactory.getLogger(CredentialRowSeal.class);

    private CredentialRowSeal() {
    }

    /** Seals the rows unless the store was sealed already; the MACs for the gateway's or the command's use. */
    public static CredentialRowMacs sealOnce(DataSource store, ChainKey chainKey) {
        CredentialRowMacs macs = CredentialRowMacs.from(chainKey);
        try (Connection c = store.getConnection()) {
            if (CredentialMarks.has(c, CredentialMarks.LEGACY_ROWS_SEALED)) {
                return macs;
            }
            // Rows first, the mark last (each statement commits on its own): a start that stops in between seals again.
            List<String> keys = new ApiKeyStore(store, macs).sealUnsealed(c);
            List<String> tokens = new WebhookTokenStore(store, macs).sealUnsealed(c);
            CredentialMarks.add(c, CredentialMarks.LEGACY_ROWS_SEALED);
            if (!keys.isEmpty() || !tokens.isEmpty()) {
                LOG.info("Sealed the credential rows written before row MACs (API keys {}, webhook tokens of {}): from now on a "
                        + "key or token row changed outside the gateway is refused, and verify reports it", keys, tokens);
            }
            return macs;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot seal the credential rows in the store: " + e.getMessage(), e);
        }
    }
}
