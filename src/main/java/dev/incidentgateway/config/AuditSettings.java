package dev.incidentgateway.config;

import java.util.List;

/**
 * The audit chain's settings: the chain key, where the keys live, and the signed checkpoints.
 * Declared once here, listed in {@link GatewayConfig#KEYS}; read with {@link GatewayConfig#get}.
 */
public final class AuditSettings {
    // Audit chain and signed checkpoints (issue 9: keyed audit chain).
    // Checked when read: a malformed key passed `config` (exit 0), and a start or `api-key create` created the store
    // before refusing it.
    public static final ConfigKey<String> CHAIN_KEY = ConfigKey.secret("audit.chainKey", "GATEWAY_CHAIN_KEY", "",
            key -> {
                if (!key.isBlank()) {
                    dev.incidentgateway.audit.ChainKey.parse(key);
                }
            },
            "Secret key of the audit chain (HMAC-SHA-256), hex or base64 of at least 32 random bytes; never stored in the "
                    + "database, never logged. Empty: the key file chain.key in audit.keysDir (generated on first start). "
                    + "Gateways sharing one database must share it.");
    public static final ConfigKey<String> KEYS_DIR = ConfigKey.path("audit.keysDir", "GATEWAY_KEYS_DIR", "./keys",
            "Directory (created 0700, files 0600) of the generated chain key and checkpoint signing key. Keep it off the "
                    + "database host and back it up: without the chain key the log cannot be verified.");
    public static final ConfigKey<String> CHECKPOINT_KEY_FILE = ConfigKey.string("audit.checkpointKeyFile", "GATEWAY_CHECKPOINT_KEY_FILE", "",
            "Ed25519 private key (PKCS#8 PEM) that signs checkpoints, its public key beside it as <file>.pub. Empty: "
                    + "checkpoint-ed25519.key in audit.keysDir (generated on first start).");
    public static final ConfigKey<String> CHECKPOINT_FILE = ConfigKey.path("audit.checkpointFile", "GATEWAY_CHECKPOINT_FILE",
            "./data/checkpoints.jsonl", "File (0600) the signed checkpoints of the audit chain are appended to, one JSON "
                    + "object a line; `verify` checks the latest one. Ship it (or GET /api/v1/audit/checkpoint) elsewhere.");
    public static final ConfigKey<Integer> CHECKPOINT_INTERVAL_S = ConfigKey.integer("audit.checkpointIntervalSeconds",
            "GATEWAY_CHECKPOINT_INTERVAL_S", 60, 1, 86_400,
            "How often the head of the audit chain is signed and appended to the checkpoint file (only when it moved; also at shutdown).");

    /** This area's keys, in the order {@code config} lists them. */
    static final List<ConfigKey<?>> KEYS = List.of(CHAIN_KEY, KEYS_DIR, CHECKPOINT_KEY_FILE, CHECKPOINT_FILE,
            CHECKPOINT_INTERVAL_S);

    private AuditSettings() {
    }
}
