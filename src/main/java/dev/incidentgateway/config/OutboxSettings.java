package dev.incidentgateway.config;

import java.util.List;

/**
 * The outbox relay's settings: retries and their backoff, concurrency, leases, polling, delivery timeout and retention.
 * Declared once here, listed in {@link GatewayConfig#KEYS}; read with {@link GatewayConfig#get}.
 */
public final class OutboxSettings {
    public static final ConfigKey<Integer> OUTBOX_BACKOFF_MS = ConfigKey.integer("outbox.backoffMs", "GATEWAY_OUTBOX_BACKOFF_MS", 1000,
            1, 3_600_000, "Retry delay of a failed delivery: the n-th retry after 0.5-1 x this x 2^(n-1) (jitter), at most "
                    + "GATEWAY_OUTBOX_MAX_BACKOFF_MS; Retry-After wins.");
    public static final ConfigKey<Integer> OUTBOX_MAX_BACKOFF_MS = ConfigKey.integer("outbox.maxBackoffMs", "GATEWAY_OUTBOX_MAX_BACKOFF_MS",
            600_000, 1, 86_400_000, "Longest wait between two attempts of a failed delivery (the backoff stops doubling there; "
                    + "0.5-1 x this with jitter): how soon after a target's outage ends its queue moves again.");
    public static final ConfigKey<Integer> OUTBOX_MAX_ATTEMPTS = ConfigKey.integer("outbox.maxAttempts", "GATEWAY_OUTBOX_MAX_ATTEMPTS", 10,
            1, 1000, "Failed attempts after which a row is dead-lettered (with the default backoff 10 span about 4-9 min; raise it "
                    + "to ride out longer outages); a rate-limited answer (Retry-After) is not counted.");
    public static final ConfigKey<Integer> OUTBOX_CONCURRENCY = ConfigKey.integer("outbox.concurrency", "GATEWAY_OUTBOX_CONCURRENCY", 8,
            1, 256, "Incidents delivered in parallel per connector (one incident is always in order).");
    public static final ConfigKey<Integer> OUTBOX_LEASE_MS = ConfigKey.integer("outbox.leaseMs", "GATEWAY_OUTBOX_LEASE_MS", 90_000,
            5_000, 3_600_000, "How long a claimed row is reserved for one delivery; if the process dies, the row is due again "
                    + "after it. Keep it above the slowest delivery (HTTP timeouts: 5 s connect, 30 s response per call).");
    public static final ConfigKey<Integer> OUTBOX_POLL_MS = ConfigKey.integer("outbox.pollMs", "GATEWAY_OUTBOX_POLL_MS", 200,
            10, 60_000, "How often an idle relay looks for due rows.");
    // Issue 10, outbox under faults and bounded storage (outbox/OutboxRelay, outbox/OutboxPurge).
    public static final ConfigKey<Integer> OUTBOX_MAX_RETRY_AFTER_S = ConfigKey.integer("outbox.maxRetryAfterSeconds",
            "GATEWAY_OUTBOX_MAX_RETRY_AFTER_S", 300, 1, 86_400,
            "Longest a vendor's Retry-After (429/503) is honoured; a vendor asking for more is tried again after this long.");
    public static final ConfigKey<Integer> OUTBOX_DELIVERY_TIMEOUT_MS = ConfigKey.integer("outbox.deliveryTimeoutMs",
            "GATEWAY_OUTBOX_DELIVERY_TIMEOUT_MS", 60_000, 1_000, 3_600_000,
            "Overall deadline of one delivery (all its HTTP calls); a delivery without an outcome by then is abandoned and "
                    + "retried later, freeing its slot. At most two thirds of GATEWAY_OUTBOX_LEASE_MS (a larger value is lowered to it). "
                    + "The Kafka target's producer timeouts follow it (config/KafkaProducerTimeouts): delivery.timeout.ms half of it, "
                    + "request.timeout.ms a sixth, max.block.ms a quarter.");
    public static final ConfigKey<Integer> OUTBOX_RETENTION_DAYS = ConfigKey.integer("outbox.retentionDays",
            "GATEWAY_OUTBOX_RETENTION_DAYS", 7, 1, 36_500,
            "Delivered outbox rows older than this many days are purged (in small batches, every few minutes); pending, "
                    + "dead and skipped rows are kept.");

    /** This area's keys, in the order {@code config} lists them. */
    static final List<ConfigKey<?>> KEYS = List.of(OUTBOX_BACKOFF_MS, OUTBOX_MAX_BACKOFF_MS, OUTBOX_MAX_ATTEMPTS,
            OUTBOX_CONCURRENCY, OUTBOX_LEASE_MS, OUTBOX_POLL_MS, OUTBOX_MAX_RETRY_AFTER_S, OUTBOX_DELIVERY_TIMEOUT_MS,
            OUTBOX_RETENTION_DAYS);

    private OutboxSettings() {
    }
}
