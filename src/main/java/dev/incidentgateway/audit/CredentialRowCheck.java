package dev.incidentgateway.audit;

import dev.incidentgateway.ingest.WebhookTokenStore;
import dev.incidentgateway.security.ApiKeyStore;
import dev.incidentgateway.security.CredentialRowMacs;

import javax.sql.DataSource;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code verify}'s check of the credential rows: every {@code api_keys} and {@code webhook_tokens} row whose MAC does not
 * verify (a key or token the gateway refuses) is a problem, a row without a MAC too: rows from before row MACs were
 * sealed by the upgrade that brought them.
 */
public final class CredentialRowCheck {
    private CredentialRowCheck() {
    }

    /** One line per row that does not verify; empty when every row does. */
    public static List<String> problems(DataSource store, ChainKey chainKey) throws SQLException {
        CredentialRowMacs macs = CredentialRowMacs.from(chainKey);
        List<String> out = new ArrayList<>();
        new ApiKeyStore(store, macs).rowProblems().forEach((name, why) ->
                out.add("api_keys row '" + name + "' " + why + ": the gateway refuses this key"));
        new WebhookTokenStore(store, macs).rowProblems().forEach((source, why) ->
                out.add("webhook_tokens row '" + source + "' " + why + ": the gateway refuses this source's token"));
        return out;
    }
}
