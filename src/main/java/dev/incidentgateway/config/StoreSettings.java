package dev.incidentgateway.config;

import java.util.List;

/**
 * The timeline store's settings: the database, its pool and credentials, and the append writer (group commit, queue, timeout).
 * Declared once here, listed in {@link GatewayConfig#KEYS}; read with {@link GatewayConfig#get}.
 */
public final class StoreSettings {
    public static final ConfigKey<String> DB_URL = ConfigKey.matching("store.url", "GATEWAY_DB_URL",
            // PgJDBC takes no user:password@ in the URL: it read the pair as a host name and the start waited out
            // GATEWAY_DB_STARTUP_WAIT_S before a vague "connection is not available".
            "jdbc:h2:file:./data/gateway", "jdbc:h2:.+|jdbc:postgresql:(?!//[^/?#]*@).+",
            "a jdbc:h2: or jdbc:postgresql: URL (a PostgreSQL URL takes no user:password@: set GATEWAY_DB_USER and GATEWAY_DB_PASSWORD)",
            "JDBC URL of the timeline store. The default is an embedded H2 file under ./data (no network listener); "
                    + "a jdbc:postgresql: URL selects PostgreSQL.");
    public static final ConfigKey<String> DB_USER = ConfigKey.string("store.user", "GATEWAY_DB_USER", "sa",
            "Database user.");
    public static final ConfigKey<String> DB_PASSWORD = ConfigKey.secret("store.password", "GATEWAY_DB_PASSWORD", "",
            "Database password (never logged).");
    public static final ConfigKey<Integer> DB_POOL_SIZE = ConfigKey.integer("store.poolSize", "GATEWAY_DB_POOL_SIZE", 10, 2, 200,
            "Maximum JDBC connections (HikariCP). One is held by the append writer while it commits; on PostgreSQL one by each "
                    + "poller and timeline:events route while this instance leads it.");
    public static final ConfigKey<Integer> DB_STARTUP_WAIT_S = ConfigKey.integer("store.startupWaitSeconds", "GATEWAY_DB_STARTUP_WAIT_S",
            30, 0, 3600, "How long the start waits for the database to accept a connection before giving up.");
    public static final ConfigKey<Integer> APPEND_MAX_BATCH = ConfigKey.integer("store.appendMaxBatch", "GATEWAY_APPEND_MAX_BATCH", 256, 1, 10_000,
            "Most appends committed together in one transaction (group commit).");
    public static final ConfigKey<Integer> APPEND_QUEUE_CAPACITY = ConfigKey.integer("store.appendQueueCapacity", "GATEWAY_APPEND_QUEUE_CAPACITY",
            10_000, 1, 1_000_000, "Appends waiting for the writer before new ones are refused with 503 (back-pressure).");
    // Issue 9, store and transport security: a migration credential apart from the runtime one, and HTTPS.
    public static final ConfigKey<String> DB_MIGRATION_USER = ConfigKey.string("store.migrationUser", "GATEWAY_DB_MIGRATION_USER", "",
            "Database user that runs the schema migrations (the schema owner, see scripts/pg-roles.sql). Empty: "
                    + "migrations run as GATEWAY_DB_USER. The gateway's connection pool never holds this credential.");
    public static final ConfigKey<String> DB_MIGRATION_PASSWORD = ConfigKey.secret("store.migrationPassword",
            "GATEWAY_DB_MIGRATION_PASSWORD", "", "Password of GATEWAY_DB_MIGRATION_USER (never logged).");

    // Fail fast when the store hangs (issue 10, "Timeouts everywhere"): store/StoreTimeouts derives the JDBC timeouts.
    public static final ConfigKey<Integer> APPEND_TIMEOUT_MS = ConfigKey.integer("store.appendTimeoutMs", "GATEWAY_APPEND_TIMEOUT_MS",
            10_000, 100, 600_000, "Longest an append waits for its commit before it answers 503 + Retry-After (outcome unknown: "
                    + "retry with the same Idempotency-Key / CloudEvent id). The database statement and socket timeouts follow it.");

    /** This area's keys, in the order {@code config} lists them. */
    static final List<ConfigKey<?>> KEYS = List.of(DB_URL, DB_USER, DB_PASSWORD, DB_POOL_SIZE, DB_STARTUP_WAIT_S,
            APPEND_MAX_BATCH, APPEND_QUEUE_CAPACITY, DB_MIGRATION_USER, DB_MIGRATION_PASSWORD, APPEND_TIMEOUT_MS);

    private StoreSettings() {
    }
}
