package dev.incidentgateway.testsupport;

import dev.incidentgateway.security.TokenDigest;

import com.zaxxer.hikari.HikariDataSource;
import dev.incidentgateway.audit.ChainKeys;
import dev.incidentgateway.config.GatewayConfig;
import dev.incidentgateway.security.ApiKeyStore;
import dev.incidentgateway.security.ApiKeys;
import dev.incidentgateway.security.CredentialRowMacs;
import dev.incidentgateway.security.Scope;
import dev.incidentgateway.store.StoreFactory;

import javax.sql.DataSource;
import java.time.Instant;
import java.util.Set;

/**
 * API keys put straight into a store before a gateway starts on it (the gateway's first snapshot then
 * holds them), so in-process tests call the API the way a client with a key does.
 */
public final class TestApiKeys {
    private TestApiKeys() {
    }

    /** Opens (and migrates) the store of {@code config}, stores a new key, closes the store; returns the key. */
    public static String create(GatewayConfig config, String name, Set<Scope> scopes) {
        try (HikariDataSource ds = StoreFactory.openAndMigrate(config)) {
            return create(store(config, ds), name, scopes);
        }
    }

    /**
     * The key store of {@code config}'s store as the CLI writes it: rows with MACs under the chain key of {@code config}
     * (generated, as a first start would, when there is none yet).
     */
    public static ApiKeyStore store(GatewayConfig config, DataSource ds) {
        return new ApiKeyStore(ds, CredentialRowMacs.from(ChainKeys.forGateway(config, ds)));
    }

    /** Stores a new key in an open store; returns the key. */
    public static String create(ApiKeyStore store, String name, Set<Scope> scopes) {
        String key = ApiKeys.generate();
        try {
            store.create(name, TokenDigest.sha256Hex(key), scopes, Instant.now());
        } catch (Exception e) {
            throw new IllegalStateException("cannot store test API key " + name, e);
        }
        return key;
    }

    public static String admin(GatewayConfig config) {
        return create(config, "test-admin", Set.of(Scope.ADMIN));
    }
}
