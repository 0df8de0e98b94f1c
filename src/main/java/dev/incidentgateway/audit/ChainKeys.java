package dev.incidentgateway.audit;

import dev.incidentgateway.config.AuditSettings;
import dev.incidentgateway.config.ConfigException;
import dev.incidentgateway.config.GatewayConfig;
import dev.incidentgateway.store.GatewaySecrets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Optional;

/**
 * Where the chain key comes from: {@code GATEWAY_CHAIN_KEY}, else the key file {@code chain.key} in the keys
 * directory, generated on the first start of a store that has no keyed chain yet. The store keeps only the key's
 * {@linkplain ChainKey#fingerprint() fingerprint} (in {@code gateway_secrets}), so a gateway started with a different
 * key refuses to start instead of writing a chain that no longer verifies.
 */
public final class ChainKeys {
    public static final String KEY_FILE = "chain.key";
    static final String CHECK_NAME = "chain-key-check";
    private static final Logger LOG = LoggerFactory.getLogger(ChainKeys.class);

    private ChainKeys() {
    }

    /** The key file used when GATEWAY_CHAIN_KEY is empty. */
    public static Path keyFile(GatewayConfig config) {
        return Path.of(config.get(AuditSettings.KEYS_DIR)).resolve(KEY_FILE).toAbsolutePath().normalize();
    }

    /** The configured key, without generating one: empty when neither the variable nor the key file exists. */
    public static Optional<ChainKey> existing(GatewayConfig config) {
        String configured = config.get(AuditSettings.CHAIN_KEY);
        if (!configured.isBlank()) {
            return Optional.of(parse(configured, describe(config)));
        }
        Path file = keyFile(config);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        KeyFiles.warnIfOpen(file);
        try {
            return Optional.of(parse(Files.readString(file, StandardCharsets.UTF_8), describe(config)));
        } catch (IOException e) {
            throw new ConfigException("chain key file " + file + " cannot be read: " + e.getMessage());
        }
    }

    /**
     * The key for a starting gateway: configured, on file, or generated into the key file on a store without a
     * keyed chain; checked against (or recorded as) the store's fingerprint.
     *
     * @throws ConfigException when the key is malformed, missing for a store that has one, or not the store's key
     */
    public static ChainKey forGateway(GatewayConfig config, DataSource store) {
        try {
            ChainKeyRotation.finishPending(config, store); // a rotation interrupted after its commit
            String stored = storedFingerprint(store);
            ChainKey key = existing(config).orElse(null);
            if (key == null) {
                if (stored != null) {
                    throw new ConfigException("the audit chain of this store was written with a chain key that is not here: "
                            + "restore " + keyFile(config) + " or set " + AuditSettings.CHAIN_KEY.env());
                }
                key = generate(config);
            }
            if (stored == null) {
                stored = storeFingerprint(store, key.fingerprint());
            }
            if (!ChainKey.sameHash(stored, key.fingerprint())) {
                throw new ConfigException(describe(config) + " is not the key this store's audit chain was written with "
                        + "(gateway_secrets '" + CHECK_NAME + "'); gateways sharing one database must share one chain key");
            }
            return key;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the chain key check from the store: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new ConfigException("cannot finish the interrupted chain key rotation in " + keyFile(config).getParent() + ": "
                    + e.getMessage());
        }
    }

    /**
     * {@code key} with the retired keys of the keys directory ({@link RetiredChainKeys}): what checks events written before
     * a rotation. A gateway writes with {@code key} alone.
     *
     * @throws ConfigException when the retired keys file is malformed
     */
    public static ChainKeyEpochs epochs(GatewayConfig config, ChainKey key) {
        return ChainKeyEpochs.of(RetiredChainKeys.read(RetiredChainKeys.file(config)), key);
    }

    /** True when the store has recorded a chain key (a keyed chain may exist). */
    public static boolean storeHasKey(DataSource store) throws SQLException {
        return storedFingerprint(store) != null;
    }

    /** True when {@code key} is the one the store recorded (or the store recorded none). */
    public static boolean matchesStore(ChainKey key, DataSource store) throws SQLException {
        String stored = storedFingerprint(store);
        return stored == null || ChainKey.sameHash(stored, key.fingerprint());
    }

    /** Names where the key came from, for messages; never the key. */
    public static String describe(GatewayConfig config) {
        return config.get(AuditSettings.CHAIN_KEY).isBlank() ? "the chain key in " + keyFile(config)
                : AuditSettings.CHAIN_KEY.env();
    }

    private static ChainKey parse(String text, String where) {
        try {
            return ChainKey.parse(text);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(where + ": " + e.getMessage());
        }
    }

    private static ChainKey generate(GatewayConfig config) {
        Path file = keyFile(config);
        ChainKey key = ChainKey.generate();
        try {
            if (!KeyFiles.createNew(file, key.encoded() + "\n")) {
                return existing(config).orElseThrow(); // another process wrote it first
            }
        } catch (IOException e) {
            throw new ConfigException("cannot write the chain key file " + file + " (" + AuditSettings.KEYS_DIR.env() + "): "
                    + e.getMessage());
        }
        KeyFiles.warnIfOpen(file); // a new file is 0600, but the directory may be an existing open one
        LOG.info("Generated the audit chain key in {}: back it up and keep it away from the database; without it the log "
                + "cannot be verified. Gateways sharing this database need the same key ({}).", file, AuditSettings.CHAIN_KEY.env());
        return key;
    }

    private static String storedFingerprint(DataSource store) throws SQLException {
        return new GatewaySecrets(store).read(CHECK_NAME);
    }

    /** Records the fingerprint; if another instance recorded one first, returns theirs. */
    private static String storeFingerprint(DataSource store, String fingerprint) throws SQLException {
        return new GatewaySecrets(store).storeIfAbsent(CHECK_NAME, fingerprint);
    }
}
