package dev.incidentgateway.config;

import dev.incidentgateway.security.Redact;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Every application setting of the gateway, each declared once as a {@link ConfigKey}.
 *
 * <p>Resolution order for a key: its environment variable, then {@code config/gateway.yaml} (where
 * {@code ${ENV:default}} is expanded), then the key's default. {@link #load} validates every key and
 * fails with all bad keys named, before anything starts.
 */
public final class GatewayConfig {
    public static final ConfigKey<Integer> HTTP_PORT = ConfigKey.integer("http.port", "GATEWAY_HTTP_PORT", 8080, 0, 65535,
            "TCP port of the HTTP server (API, webhooks, /health, /metrics). 0 picks a free port.");
    public static final ConfigKey<Integer> HTTP_MAX_BODY_BYTES = ConfigKey.integer("http.maxBodyBytes", "GATEWAY_MAX_BODY_BYTES",
            1_048_576, 1024, 64 * 1_048_576, "Largest request body accepted; a larger one is refused with 413.");
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
    public static final ConfigKey<String> ROUTES_DIR = ConfigKey.string("routes.dir", "GATEWAY_ROUTES_DIR", "",
            "Optional directory of extra Camel YAML DSL routes (*.camel.yaml) loaded next to the shipped ones.");
    public static final ConfigKey<String> CE_TYPE_PREFIX = ConfigKey.matching("cloudevents.typePrefix", "GATEWAY_CE_TYPE_PREFIX",
            "dev.incidentgateway", "[a-z0-9]+([.-][a-z0-9]+)*", "a reverse-DNS prefix such as dev.incidentgateway",
            "Prefix of CloudEvents types: <prefix>.incident.<eventType>.");
    // A CloudEvent's source is required and non-empty (CloudEvents 1.0): set but empty, every REST append was stored and fed
    // (Since feed, Kafka) with "source": "", which consumers' SDKs refuse.
    public static final ConfigKey<String> DEFAULT_SOURCE = ConfigKey.matching("api.defaultSource", "GATEWAY_API_DEFAULT_SOURCE", "/api/v1",
            "\\S{1," + dev.incidentgateway.timeline.EventLimits.SOURCE + "}",
            "a CloudEvents source: a URI-reference such as /api/v1, not empty, without spaces, up to "
                    + dev.incidentgateway.timeline.EventLimits.SOURCE + " characters",
            "CloudEvents source recorded for every REST append (a source in the request body is ignored).");

    public static final ConfigKey<String> WEBHOOK_TOKEN = ConfigKey.secret("webhooks.token", "GATEWAY_WEBHOOK_TOKEN", "",
            "Shared bearer token (the behaviour of earlier versions) that every bearer webhook source without auth.secretEnv "
                    + "accepts besides its own. Prefer a token per source: `java -jar incident-gateway.jar webhook-token "
                    + "--source NAME --rotate`; empty: each such source accepts only its own token.");
    public static final ConfigKey<String> CONNECTORS_DIR = path("connectors.dir", "GATEWAY_CONNECTORS_DIR", "connectors",
            "Directory of connector descriptors (*.yaml). Those shipped in the jar are always loaded; a file here with the "
                    + "same name replaces one, a new file adds a connector. The default directory may be missing (then only the shipped "
                    + "ones); a directory set here must exist.");

    public static final ConfigKey<String> PUBLIC_URL = ConfigKey.matching("http.publicUrl", "GATEWAY_PUBLIC_URL", "",
            "|https?://[^\\s/?#]+\\S*", "empty or an http(s) base URL (https://gateway.example.com)",
            "The gateway's public base URL (https://gateway.example.com); outbound messages link to its incident pages.");
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

    // OpenID Connect access tokens (issue 9, security/OidcTokenVerifier): off while the issuer is empty.
    public static final ConfigKey<String> OIDC_ISSUER = ConfigKey.matching("oidc.issuer", "GATEWAY_OIDC_ISSUER", "",
            "|https?://\\S+", "empty or the issuer URL of the identity provider, such as https://idp.example.com/realms/ops",
            "Issuer of the OpenID Connect access tokens (JWT) the API accepts besides API keys; a token's iss must equal it "
                    + "exactly (mind a trailing slash). Empty: OIDC is off.");
    public static final ConfigKey<String> OIDC_AUDIENCE = ConfigKey.string("oidc.audience", "GATEWAY_OIDC_AUDIENCE", "",
            "Audience a token's aud must contain (the gateway's client id or API identifier at the identity provider). "
                    + "Required when oidc.issuer is set.");
    public static final ConfigKey<String> OIDC_JWKS_URL = ConfigKey.matching("oidc.jwksUrl", "GATEWAY_OIDC_JWKS_URL", "",
            "|https?://\\S+", "empty or an http(s) URL", "URL of the identity provider's signing keys (JWKS). Empty: the jwks_uri "
                    + "of <issuer>/.well-known/openid-configuration, fetched on the first token.");
    public static final ConfigKey<String> OIDC_ALLOW_INSECURE_HTTP = ConfigKey.matching("oidc.allowInsecureHttp",
            "GATEWAY_OIDC_ALLOW_INSECURE_HTTP", "false", "true|false", "true or false", "Accept an http:// oidc.issuer or "
                    + "oidc.jwksUrl on a host other than loopback (and such a jwks_uri from the issuer's discovery document, "
                    + "else refused at the first token, and such console sign-in endpoints from it, else not offered). "
                    + "Whoever is on the network path could then swap the signing keys and forge any token, admin included, "
                    + "or take the console's sign-ins. false: the start refuses it (http://127.0.0.1, localhost and "
                    + "[::1] are accepted).");
    public static final ConfigKey<String> OIDC_SCOPE_PREFIX = ConfigKey.string("oidc.scopePrefix", "GATEWAY_OIDC_SCOPE_PREFIX", "",
            "Prefix of the gateway's scopes in a token's scope/scp claim: with gateway: the scope gateway:read grants read "
                    + "and scopes without the prefix are ignored. Empty: read, write, operate, metrics, admin as they are.");
    // Security review (session 36): a token minted for years by a misconfigured identity provider stays a skeleton key
    // for years. 24 h admits the mainstream defaults (Keycloak 5 min, Entra ID 60-90 min, Okta at most 24 h, Auth0
    // APIs 24 h) and refuses the rest; 30 days is Auth0's own ceiling.
    public static final ConfigKey<Integer> OIDC_MAX_TOKEN_LIFETIME_S = ConfigKey.integer("oidc.maxTokenLifetimeSeconds",
            "GATEWAY_OIDC_MAX_TOKEN_LIFETIME_S", 86_400, 60, 2_592_000, "Longest lifetime of an accepted access token, in "
                    + "seconds: exp - iat, or exp - now for a token without iat (then with the 60 s clock tolerance). A longer "
                    + "token is refused with 401 however valid its signature.");
    // Issue 9, store and transport security: a migration credential apart from the runtime one, and HTTPS.
    public static final ConfigKey<String> DB_MIGRATION_USER = ConfigKey.string("store.migrationUser", "GATEWAY_DB_MIGRATION_USER", "",
            "Database user that runs the schema migrations (the schema owner, see scripts/pg-roles.sql). Empty: "
                    + "migrations run as GATEWAY_DB_USER. The gateway's connection pool never holds this credential.");
    public static final ConfigKey<String> DB_MIGRATION_PASSWORD = ConfigKey.secret("store.migrationPassword",
            "GATEWAY_DB_MIGRATION_PASSWORD", "", "Password of GATEWAY_DB_MIGRATION_USER (never logged).");
    public static final ConfigKey<String> TLS_CERT_FILE = ConfigKey.string("http.tls.certFile", "GATEWAY_TLS_CERT_FILE", "",
            "PEM certificate (chain) for HTTPS on the gateway's port. Set with GATEWAY_TLS_KEY_FILE; both empty: plain HTTP.");
    public static final ConfigKey<String> TLS_KEY_FILE = ConfigKey.string("http.tls.keyFile", "GATEWAY_TLS_KEY_FILE", "",
            "PEM private key (PKCS#8, or PKCS#1 RSA / SEC1 EC, unencrypted) of GATEWAY_TLS_CERT_FILE.");
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
    public static final ConfigKey<String> KEYS_DIR = path("audit.keysDir", "GATEWAY_KEYS_DIR", "./keys",
            "Directory (created 0700, files 0600) of the generated chain key and checkpoint signing key. Keep it off the "
                    + "database host and back it up: without the chain key the log cannot be verified.");
    public static final ConfigKey<String> CHECKPOINT_KEY_FILE = ConfigKey.string("audit.checkpointKeyFile", "GATEWAY_CHECKPOINT_KEY_FILE", "",
            "Ed25519 private key (PKCS#8 PEM) that signs checkpoints, its public key beside it as <file>.pub. Empty: "
                    + "checkpoint-ed25519.key in audit.keysDir (generated on first start).");
    public static final ConfigKey<String> CHECKPOINT_FILE = path("audit.checkpointFile", "GATEWAY_CHECKPOINT_FILE",
            "./data/checkpoints.jsonl", "File (0600) the signed checkpoints of the audit chain are appended to, one JSON "
                    + "object a line; `verify` checks the latest one. Ship it (or GET /api/v1/audit/checkpoint) elsewhere.");
    public static final ConfigKey<Integer> CHECKPOINT_INTERVAL_S = ConfigKey.integer("audit.checkpointIntervalSeconds",
            "GATEWAY_CHECKPOINT_INTERVAL_S", 60, 1, 86_400,
            "How often the head of the audit chain is signed and appended to the checkpoint file (only when it moved; also at shutdown).");

    // Fail fast when the store hangs (issue 10, "Timeouts everywhere"): store/StoreTimeouts derives the JDBC timeouts.
    public static final ConfigKey<Integer> APPEND_TIMEOUT_MS = ConfigKey.integer("store.appendTimeoutMs", "GATEWAY_APPEND_TIMEOUT_MS",
            10_000, 100, 600_000, "Longest an append waits for its commit before it answers 503 + Retry-After (outcome unknown: "
                    + "retry with the same Idempotency-Key / CloudEvent id). The database statement and socket timeouts follow it.");
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

    // Issue 10, overload is a 429 or 503, never an unbounded queue (transport/HttpEdge, transport/KeyedRateLimiter).
    public static final ConfigKey<Integer> HTTP_MAX_INFLIGHT = ConfigKey.integer("http.maxInflight", "GATEWAY_MAX_INFLIGHT", 256, 1, 100_000,
            "HTTP requests being served at once (received, not yet answered) beyond which a new one gets 503 + Retry-After at "
                    + "once instead of waiting in a queue; GET /health is never counted or refused. 256 is about ten times what "
                    + "the 20 request threads serve at once (enough for bursts and group commit) while bounding the request bodies "
                    + "held in memory to 256 x http.maxBodyBytes.");
    public static final ConfigKey<Integer> HTTP_READ_TIMEOUT_S = ConfigKey.integer("http.readTimeoutSeconds", "GATEWAY_HTTP_READ_TIMEOUT_S",
            10, 1, 3600, "A new connection must deliver its request's headers within this many seconds, and every request its "
                    + "whole body within this many seconds after its headers; otherwise the connection is closed (slow or stalled clients).");
    public static final ConfigKey<Integer> HTTP_IDLE_TIMEOUT_S = ConfigKey.integer("http.idleTimeoutSeconds", "GATEWAY_HTTP_IDLE_TIMEOUT_S",
            30, 1, 3600, "A keep-alive connection whose next request has not arrived (headers complete) this many seconds after the "
                    + "last answer is closed. Time the gateway spends answering does not count.");
    public static final ConfigKey<Integer> WEBHOOK_RATE_PER_S = ConfigKey.integer("webhooks.ratePerSecond", "GATEWAY_WEBHOOK_RATE_PER_S",
            0, 0, 1_000_000, "Requests per second each webhook source may send (a token bucket per source, counted after "
                    + "authentication) unless its descriptor declares rateLimit: {perSecond, burst}; more get 429 + Retry-After and "
                    + "store nothing. 0: no limit.");
    public static final ConfigKey<Integer> WEBHOOK_RATE_BURST = ConfigKey.integer("webhooks.rateBurst", "GATEWAY_WEBHOOK_RATE_BURST",
            0, 0, 1_000_000, "Requests a webhook source may send at once after a quiet spell (the bucket's size) under "
                    + "webhooks.ratePerSecond. 0: one second's worth.");
    public static final ConfigKey<Integer> API_RATE_PER_S = ConfigKey.integer("api.ratePerSecond", "GATEWAY_API_RATE_PER_S",
            0, 0, 1_000_000, "Requests per second to /api/v1/** per authenticated principal (API key or OIDC subject); more get "
                    + "429 + Retry-After. 0 (the default): no limit, because API callers are the operators' own authenticated tools "
                    + "whose volume only the operator knows, and overload is bounded anyway by GATEWAY_MAX_INFLIGHT and the append queue.");
    public static final ConfigKey<Integer> API_RATE_BURST = ConfigKey.integer("api.rateBurst", "GATEWAY_API_RATE_BURST",
            0, 0, 1_000_000, "Requests a principal may send at once after a quiet spell under api.ratePerSecond. 0: one second's worth.");
    public static final ConfigKey<Integer> EXPENSIVE_READS_MAX = ConfigKey.integer("api.expensiveReadsMax", "GATEWAY_EXPENSIVE_READS_MAX",
            2, 1, 100, "Reads that scan a whole incident or a range of the log (GET /api/v1/incidents/{id}/verify, "
                    + "/api/v1/reports/sla, /api/v1/sla) running at once, gateway-wide; each holds a database connection while it scans. One more "
                    + "gets 503 + Retry-After at once, a caller already running half of them 429. Lowered to half of "
                    + "store.poolSize, so the other connections stay for appends, ingest and deliveries.");
    public static final ConfigKey<Integer> PAGE_MAX_BYTES = ConfigKey.integer("api.pageMaxBytes", "GATEWAY_PAGE_MAX_BYTES",
            4 * 1024 * 1024, 65_536, 256 * 1024 * 1024, "Most bytes of events in one page of GET /api/v1/events or an incident's "
                    + "timeline: a page stops before the event that would pass it (always at least one event) and gives the next "
                    + "page's cursor, so large notes cannot make one answer as big as limit x the body limit.");

    // Issue 10, graceful shutdown (lifecycle/GracefulShutdown).
    public static final ConfigKey<Integer> SHUTDOWN_TIMEOUT_S = ConfigKey.integer("shutdown.timeoutSeconds",
            "GATEWAY_SHUTDOWN_TIMEOUT_S", 20, 1, 3_600,
            "On SIGTERM / Ctrl-C, how long in-flight HTTP requests, outbox deliveries and poller runs may take to finish "
                    + "(new requests get 503) before the store closes. Keep it below the platform's kill deadline (Kubernetes: "
                    + "terminationGracePeriodSeconds, 30 s by default) minus a few seconds for closing the store.");

    /** One Kafka broker address: {@code host:port}, {@code [ipv6]:port}, optionally with a listener prefix ({@code SSL://}). */
    private static final String BROKER = "([A-Za-z_]+://)?(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9._-]+):[0-9]{1,5}";

    // Issue 11, Kafka target and source written in YAML only (routes/outbound/kafka.camel.yaml,
    // routes/inbound/kafka-cloudevents.camel.yaml); the routes read them as {{gateway.kafka.*}} placeholders.
    // Checked here, not by the Kafka client: a malformed list failed the start in the route with exit 1 and a stack trace.
    public static final ConfigKey<String> KAFKA_BOOTSTRAP_SERVERS = ConfigKey.matching("kafka.bootstrapServers", "KAFKA_BOOTSTRAP_SERVERS", "",
            "|" + BROKER + "(\\s*,\\s*" + BROKER + ")*", "empty or host:port[,host:port…]",
            "Kafka brokers (host:port,host:port). Empty: the Kafka target and source routes are off. Set: every committed "
                    + "event is published to kafka.topic as a CloudEvent (key = incident id).");
    public static final ConfigKey<String> KAFKA_TOPIC = ConfigKey.string("kafka.topic", "KAFKA_TOPIC", "incident-events",
            "Topic the Kafka target publishes every committed event to (structured CloudEvents, key = incident id). "
                    + "Empty: the target is off (a source-only setup).");
    public static final ConfigKey<String> KAFKA_SOURCE_TOPIC = ConfigKey.string("kafka.sourceTopic", "KAFKA_SOURCE_TOPIC", "",
            "Topic of structured CloudEvents (JSON values) the Kafka source appends to the timeline. "
                    + "Empty: the source is off (it also needs kafka.bootstrapServers).");
    public static final ConfigKey<String> KAFKA_SOURCE_GROUP = ConfigKey.string("kafka.sourceGroup", "KAFKA_SOURCE_GROUP", "incident-gateway",
            "Consumer group of the Kafka source; its offsets are committed only after the append.");
    public static final ConfigKey<String> KAFKA_SOURCE_DLQ_TOPIC = ConfigKey.string("kafka.sourceDeadLetterTopic", "KAFKA_SOURCE_DLQ_TOPIC",
            "incident-gateway-dlq", "Where the Kafka source puts records it cannot append (not a CloudEvent, refused event), "
                    + "unchanged, with the reason in header x-gateway-error; the source goes on with the next record.");
    // Authentication and TLS of every Kafka client (the shipped target and source, the dead-letter producer and any
    // user route's kafka: endpoint): applied once to Camel's kafka component by config/KafkaClientSecurity.
    public static final ConfigKey<String> KAFKA_SECURITY_PROTOCOL = ConfigKey.matching("kafka.securityProtocol",
            "KAFKA_SECURITY_PROTOCOL", "PLAINTEXT", "PLAINTEXT|SSL|SASL_PLAINTEXT|SASL_SSL",
            "PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL", "How the Kafka clients reach the brokers: PLAINTEXT (no TLS, no "
                    + "authentication), SSL (TLS), SASL_PLAINTEXT (SASL authentication, no TLS) or SASL_SSL (both; the usual "
                    + "choice for Confluent Cloud, MSK, Aiven).");
    public static final ConfigKey<String> KAFKA_SASL_MECHANISM = ConfigKey.matching("kafka.saslMechanism", "KAFKA_SASL_MECHANISM",
            "", "|PLAIN|SCRAM-SHA-256|SCRAM-SHA-512", "empty, PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512",
            "SASL mechanism with kafka.securityProtocol SASL_PLAINTEXT or SASL_SSL (required there): PLAIN, SCRAM-SHA-256 or "
                    + "SCRAM-SHA-512.");
    public static final ConfigKey<String> KAFKA_SASL_USERNAME = ConfigKey.string("kafka.saslUsername", "KAFKA_SASL_USERNAME", "",
            "SASL user name (an API key on Confluent Cloud); required with a SASL_* protocol. The gateway builds the JAAS line.");
    public static final ConfigKey<String> KAFKA_SASL_PASSWORD = ConfigKey.secret("kafka.saslPassword", "KAFKA_SASL_PASSWORD", "",
            "SASL password (an API secret on Confluent Cloud); required with a SASL_* protocol; never logged.");
    public static final ConfigKey<String> KAFKA_SSL_CA_FILE = ConfigKey.string("kafka.sslCaFile", "KAFKA_SSL_CA_FILE", "",
            "PEM file of the CA certificates the Kafka clients trust with SSL or SASL_SSL. Empty: the JVM's default trust "
                    + "store (enough for public CAs, e.g. Confluent Cloud, MSK).");

    // Issue 11, the chat target written in YAML only (routes/outbound/chat-webhook.camel.yaml), read as {{gateway.chat.*}};
    // the URL is a secret (it holds the webhook's token), so the route reads it from the environment, never a Camel property.
    public static final ConfigKey<String> CHAT_WEBHOOK_URL = ConfigKey.secret("chat.webhookUrl", "CHAT_WEBHOOK_URL", "",
            "Incoming-webhook URL of a chat channel (Mattermost, Slack, Rocket.Chat, Google Chat; Teams with the route's "
                    + "Adaptive Card variant). Set in the environment: the route is off (not even created) while it is empty.");
    public static final ConfigKey<String> CHAT_WEBHOOK_EVENTS = ConfigKey.matching("chat.events", "CHAT_WEBHOOK_EVENTS",
            "declare,ack,mitigate,resolve,close,state_change", " *(declare|ack|mitigate|resolve|close|note|role_assign|state_change) *"
                    + "(, *(declare|ack|mitigate|resolve|close|note|role_assign|state_change) *)*",
            "a comma-separated list of event types", "Event types the chat target posts, comma-separated.");
    public static final ConfigKey<String> CHAT_WEBHOOK_MIN_SEVERITY = ConfigKey.matching("chat.minSeverity",
            "CHAT_WEBHOOK_MIN_SEVERITY", "sev4", "sev[1-4]", "sev1..sev4", "The chat target posts incidents of this severity and above.");

    // Issue 12, live stream (stream/StreamBroadcaster, GET /api/v1/stream).
    public static final ConfigKey<String> STREAM_SOURCE = ConfigKey.matching("stream.source", "GATEWAY_STREAM_SOURCE", "auto",
            "auto|commit|poll", "auto, commit or poll", "Where the live stream learns of committed events: 'commit' = this "
                    + "process's commit hook (lowest delay; only this instance's appends), 'poll' = the store's Since feed every "
                    + "stream.pollMillis (every instance's appends: use it when several gateways share one PostgreSQL database), "
                    + "'auto' = commit on H2 (one process), poll on PostgreSQL.");
    public static final ConfigKey<Integer> STREAM_POLL_MS = ConfigKey.integer("stream.pollMillis", "GATEWAY_STREAM_POLL_MS", 250, 10,
            60_000, "With stream.source=poll: how often the Since feed is read when caught up (the added delay, at most).");
    public static final ConfigKey<Integer> STREAM_BUFFER_EVENTS = ConfigKey.integer("stream.bufferEvents", "GATEWAY_STREAM_BUFFER_EVENTS",
            8192, 16, 1_048_576, "Newest events kept in memory for live-stream subscribers: a subscriber that falls further "
                    + "behind (it stopped reading) is disconnected and resumes with Last-Event-ID from the store.");
    public static final ConfigKey<Integer> STREAM_BUFFER_BYTES = ConfigKey.integer("stream.bufferBytes", "GATEWAY_STREAM_BUFFER_BYTES",
            64 * 1_048_576, 1_048_576, Integer.MAX_VALUE, "Most bytes of events (their SSE frames, about) kept in memory for "
                    + "live-stream subscribers, with stream.bufferEvents: with large events the oldest go early, and a subscriber "
                    + "that still needed one is disconnected and resumes with Last-Event-ID, as when it falls more than "
                    + "stream.bufferEvents behind. The newest event is kept whatever its size.");
    public static final ConfigKey<Integer> STREAM_MAX_SUBSCRIBERS = ConfigKey.integer("stream.maxSubscribers",
            "GATEWAY_STREAM_MAX_SUBSCRIBERS", 2000, 1, 1_000_000, "Live streams open at once; one more gets 503 + Retry-After. "
                    + "Streams do not count against GATEWAY_MAX_INFLIGHT.");
    public static final ConfigKey<Integer> STREAM_MAX_PER_PRINCIPAL = ConfigKey.integer("stream.maxPerPrincipal",
            "GATEWAY_STREAM_MAX_PER_PRINCIPAL", 50, 1, 1_000_000, "Live streams one caller (API key or OIDC subject) may have open "
                    + "at once; one more gets 429 + Retry-After, so one credential cannot take every stream.maxSubscribers slot.");
    public static final ConfigKey<Integer> STREAM_HEARTBEAT_S = ConfigKey.integer("stream.heartbeatSeconds", "GATEWAY_STREAM_HEARTBEAT_S",
            15, 1, 3600, "A comment line sent on every open stream this often, so proxies and clients see the connection alive.");
    // Issue 12, SLA clocks (sla/SlaTracker, routes/sla-tracker.camel.yaml).
    public static final ConfigKey<String> SLA_FILE = ConfigKey.string("sla.file", "GATEWAY_SLA_FILE", "",
            "SLA policy file (per severity: acknowledge, mitigate and resolve targets, warning threshold, business hours). "
                    + "Empty: ./config/sla.yaml if present, else the copy shipped in the jar. A bad file stops the start, naming the key.");
    public static final ConfigKey<Integer> SLA_SCAN_INTERVAL_MS = ConfigKey.integer("sla.scanIntervalMs", "GATEWAY_SLA_SCAN_INTERVAL_MS",
            30_000, 1_000, 3_600_000, "How often the SLA tracker recomputes the open incidents' clocks and records due warnings and breaches.");

    // Issue 12, console sign-in at the identity provider (console/ConsoleSignIn): OAuth 2.0 authorization code flow
    // with PKCE, the console as a public client. Offered only when oidc.issuer is set too.
    public static final ConfigKey<String> OIDC_CONSOLE_CLIENT_ID = ConfigKey.string("oidc.console.clientId",
            "GATEWAY_OIDC_CONSOLE_CLIENT_ID", "", "Client id of the operator console at the identity provider (a public client: "
                    + "no secret, PKCE S256, redirect URI <console origin>/, CORS on the token endpoint for that origin). Set with "
                    + "oidc.issuer, the console offers 'Sign in with <issuer host>'; its tokens must carry oidc.audience. Empty: "
                    + "the console takes API keys and pasted access tokens only.");
    public static final ConfigKey<String> OIDC_CONSOLE_SCOPES = ConfigKey.string("oidc.console.scopes", "GATEWAY_OIDC_CONSOLE_SCOPES",
            "openid", "Space-separated scopes the console asks for at sign-in, such as 'openid gateway:read gateway:write' "
                    + "(with oidc.scopePrefix gateway:); the gateway grants what the access token's scope/scp claim holds.");

    public static final List<ConfigKey<?>> KEYS = List.of(HTTP_PORT, HTTP_MAX_BODY_BYTES, DB_URL, DB_USER, DB_PASSWORD, DB_POOL_SIZE, DB_STARTUP_WAIT_S,
            APPEND_MAX_BATCH, APPEND_QUEUE_CAPACITY, ROUTES_DIR, CE_TYPE_PREFIX, DEFAULT_SOURCE, WEBHOOK_TOKEN, CONNECTORS_DIR,
            OUTBOX_BACKOFF_MS, OUTBOX_MAX_BACKOFF_MS, OUTBOX_MAX_ATTEMPTS, OUTBOX_CONCURRENCY, OUTBOX_POLL_MS, OUTBOX_LEASE_MS, PUBLIC_URL,
            OIDC_ISSUER, OIDC_AUDIENCE, OIDC_JWKS_URL, OIDC_SCOPE_PREFIX, OIDC_ALLOW_INSECURE_HTTP, OIDC_MAX_TOKEN_LIFETIME_S,
            DB_MIGRATION_USER, DB_MIGRATION_PASSWORD, TLS_CERT_FILE, TLS_KEY_FILE,
            CHAIN_KEY, KEYS_DIR, CHECKPOINT_KEY_FILE, CHECKPOINT_FILE, CHECKPOINT_INTERVAL_S,
            APPEND_TIMEOUT_MS,
            OUTBOX_MAX_RETRY_AFTER_S, OUTBOX_DELIVERY_TIMEOUT_MS, OUTBOX_RETENTION_DAYS,
            HTTP_MAX_INFLIGHT, HTTP_READ_TIMEOUT_S, HTTP_IDLE_TIMEOUT_S, WEBHOOK_RATE_PER_S, WEBHOOK_RATE_BURST, API_RATE_PER_S, API_RATE_BURST,
            EXPENSIVE_READS_MAX, PAGE_MAX_BYTES, SHUTDOWN_TIMEOUT_S,
            KAFKA_BOOTSTRAP_SERVERS, KAFKA_TOPIC, KAFKA_SOURCE_TOPIC, KAFKA_SOURCE_GROUP, KAFKA_SOURCE_DLQ_TOPIC,
            KAFKA_SECURITY_PROTOCOL, KAFKA_SASL_MECHANISM, KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD, KAFKA_SSL_CA_FILE,
            CHAT_WEBHOOK_URL, CHAT_WEBHOOK_EVENTS, CHAT_WEBHOOK_MIN_SEVERITY,
            STREAM_SOURCE, STREAM_POLL_MS, STREAM_BUFFER_EVENTS, STREAM_BUFFER_BYTES, STREAM_MAX_SUBSCRIBERS, STREAM_MAX_PER_PRINCIPAL, STREAM_HEARTBEAT_S,
            SLA_FILE, SLA_SCAN_INTERVAL_MS,
            OIDC_CONSOLE_CLIENT_ID, OIDC_CONSOLE_SCOPES);

    /**
     * A path with a default. Set but empty it named the working directory: every *.yaml there read as a connector
     * descriptor, the chain key generated into it; as other settings, an empty value is refused rather than read so.
     */
    private static ConfigKey<String> path(String name, String env, String defaultValue, String doc) {
        return ConfigKey.matching(name, env, defaultValue, "(?s).*\\S.*", "a path, not empty (unset: " + defaultValue + ")", doc);
    }

    private final Map<ConfigKey<?>, Object> values;
    private final Map<String, String> env;
    /** Where each value came from, for {@code config}: "env", "config file" or "default". */
    private final Map<ConfigKey<?>, String> origins;

    private GatewayConfig(Map<ConfigKey<?>, Object> values, Map<String, String> env, Map<ConfigKey<?>, String> origins) {
        this.values = values;
        this.env = Map.copyOf(env);
        this.origins = Map.copyOf(origins);
    }

    /** Loads from the process environment and the default config file. */
    public static GatewayConfig load() {
        return load(System.getenv(), YamlSettings.locate(System.getenv()));
    }

    /**
     * Resolves and validates every key.
     *
     * @param env       environment variables (explicit so tests can pass their own)
     * @param yaml      flattened settings from the config file, {@code ${ENV:default}} not yet expanded
     */
    public static GatewayConfig load(Map<String, String> env, Map<String, String> yaml) {
        Map<ConfigKey<?>, Object> values = new HashMap<>();
        Map<ConfigKey<?>, String> origins = new HashMap<>();
        List<String> problems = new ArrayList<>();
        for (ConfigKey<?> key : KEYS) {
            String raw = resolveRaw(key, env, yaml, problems, origins);
            if (raw == null) {
                continue;
            }
            try {
                values.put(key, key.parse(raw));
            } catch (IllegalArgumentException e) {
                // A secret's problem is shown only when it does not quote the value (masked below, as config masks values).
                String shown = key.isSecret() && e.getMessage().contains(raw) ? "" : " " + e.getMessage();
                String from = "config file".equals(origins.get(key)) ? "in the config file; env " : "env ";
                problems.add(key.name() + " (" + from + key.env() + "):" + (shown.isBlank() ? " invalid value" : shown));
            }
        }
        requireOidcAudience(values, problems);
        OidcTransport.refuseInsecure(key -> String.valueOf(values.getOrDefault(key, "")), problems);
        problems.addAll(KafkaClientSecurity.missingSettings(key -> String.valueOf(values.getOrDefault(key, ""))));
        problems.addAll(KafkaTopicLoops.problems(key -> String.valueOf(values.getOrDefault(key, ""))));
        refuseUnknownKeys(yaml, problems);
        if (!problems.isEmpty()) {
            problems.replaceAll(p -> masked(p, values)); // a refused value may hold a password (user:pw@broker)
            throw new ConfigException(problems);
        }
        return new GatewayConfig(values, env, origins);
    }

    /** A key of the config file that is no setting: a typo would otherwise leave the default in force without a word. */
    private static void refuseUnknownKeys(Map<String, String> yaml, List<String> problems) {
        java.util.Set<String> known = new java.util.HashSet<>();
        KEYS.forEach(k -> known.add(k.name()));
        // `config` also lists the connectors' settings (servicenow.url, …), which are read from the environment only:
        // whoever copied such a key from there into the file is told where it goes
        yaml.keySet().stream().filter(name -> !known.contains(name)).sorted().forEach(name -> problems.add(name
                + " (config file): not a setting of the config file (misspelled? `java -jar incident-gateway.jar config` lists"
                + " every key; those under a `# connector` or `# webhook sources` heading are set by their environment"
                + " variable only)"));
    }

    /**
     * {@code GATEWAY_*} variables others set: Kubernetes' service links for a Service named {@code gateway}
     * ({@code GATEWAY_SERVICE_HOST}, {@code GATEWAY_PORT_8080_TCP_ADDR}, …) and the test suite's {@code GATEWAY_TEST_*}.
     */
    private static final java.util.regex.Pattern NOT_OURS =
            java.util.regex.Pattern.compile("GATEWAY_(SERVICE_[A-Z0-9_]+|PORT|PORT_\\d+_(TCP|UDP|SCTP)(_[A-Z]+)?|TEST_[A-Z0-9_]+)");

    /**
     * The {@code GATEWAY_*} variables of the environment that are no setting: a misspelled variable
     * ({@code GATEWAY_OUTBOX_MAXATTEMPTS}) leaves the default in force without a word. Only warned about, not refused
     * like a file's unknown key: the environment is shared with whatever else runs there.
     *
     * @param namedElsewhere variables that are not settings but are read all the same (a descriptor's {@code auth.secretEnv})
     */
    public List<String> unknownGatewayVariables(java.util.Collection<String> namedElsewhere) {
        java.util.Set<String> known = new java.util.HashSet<>(namedElsewhere);
        KEYS.forEach(k -> known.add(k.env()));
        known.add(YamlSettings.CONFIG_FILE_ENV);
        return env.keySet().stream().filter(name -> name.startsWith("GATEWAY_") && !known.contains(name)
                && !NOT_OURS.matcher(name).matches()).sorted().toList();
    }

    /** OIDC: an issuer without an audience would accept tokens the identity provider minted for any other client. */
    private static void requireOidcAudience(Map<ConfigKey<?>, Object> values, List<String> problems) {
        if (!String.valueOf(values.getOrDefault(OIDC_ISSUER, "")).isBlank()
                && String.valueOf(values.getOrDefault(OIDC_AUDIENCE, "")).isBlank()) {
            problems.add(OIDC_AUDIENCE.problem("required when " + OIDC_ISSUER.env()
                    + " is set (the client id or API identifier the gateway's tokens are issued for)"));
        }
    }

    /**
     * The environment this configuration was read from: where connector descriptors look up the secret
     * variables they name ({@code auth.secretEnv}), so nothing else reads {@code System.getenv}.
     */
    public Map<String, String> env() {
        return env;
    }

    /**
     * What connectors read their settings from: the environment, with the gateway settings they use as in effect
     * ({@code GATEWAY_PUBLIC_URL} also when only the config file's {@code http.publicUrl} sets it).
     */
    public Map<String, String> connectorEnv() {
        Map<String, String> out = new java.util.HashMap<>(env);
        if (!get(PUBLIC_URL).isEmpty()) {
            out.put(PUBLIC_URL.env(), get(PUBLIC_URL));
        }
        return Map.copyOf(out);
    }

    /**
     * The key's raw value: from the environment first, then the config file, else its default; records which in
     * {@code origins} (for {@link #describe}).
     */
    private static String resolveRaw(ConfigKey<?> key, Map<String, String> env, Map<String, String> yaml, List<String> problems,
                                     Map<ConfigKey<?>, String> origins) {
        if (key.env() != null && env.containsKey(key.env())) {
            origins.put(key, "env");
            return env.get(key.env());
        }
        if (yaml.containsKey(key.name())) {
            origins.put(key, "config file");
            try {
                return EnvInterpolator.expand(yaml.get(key.name()), env);
            } catch (IllegalArgumentException e) {
                problems.add(key.name() + ": " + e.getMessage());
                return null;
            }
        }
        origins.put(key, "default");
        return key.defaultValue();
    }

    /** A copy with some keys replaced; used by tests and the CLI to point one run elsewhere. */
    public GatewayConfig with(Map<ConfigKey<?>, String> overrides) {
        Map<String, String> env = new LinkedHashMap<>(this.env);
        values.forEach((k, v) -> env.put(k.env(), String.valueOf(v)));
        overrides.forEach((k, v) -> env.put(k.env(), v));
        GatewayConfig copy = load(env, Map.of());
        // Every value went through env above; a key not overridden keeps where it came from, so a default stays one.
        Map<ConfigKey<?>, String> kept = new HashMap<>(copy.origins);
        origins.forEach((k, o) -> {
            if (!overrides.containsKey(k)) {
                kept.put(k, o);
            }
        });
        return new GatewayConfig(copy.values, copy.env, kept);
    }

    /** The key was given (environment or config file) rather than left at its default. */
    public boolean isExplicit(ConfigKey<?> key) {
        return !"default".equals(origins.getOrDefault(key, "default"));
    }

    @SuppressWarnings("unchecked")
    public <T> T get(ConfigKey<T> key) {
        return (T) values.get(key);
    }

    public boolean isPostgres() {
        return get(DB_URL).startsWith("jdbc:postgresql:");
    }

    /**
     * {@link #OUTBOX_DELIVERY_TIMEOUT_MS} as the relay uses it: at most two thirds of the lease, so that a delivery ends
     * and its outcome is recorded while its row is still claimed (a larger value is lowered; {@link #describe} says so).
     */
    public java.time.Duration outboxDeliveryTimeout() {
        long ceiling = get(OUTBOX_LEASE_MS) * 2L / 3;
        return java.time.Duration.ofMillis(Math.min(get(OUTBOX_DELIVERY_TIMEOUT_MS), ceiling));
    }

    public Path routesDir() {
        String dir = get(ROUTES_DIR);
        return dir.isBlank() ? null : Path.of(dir);
    }

    /**
     * Human-readable listing of every key, its value, where the value came from ({@code [env]}, {@code [config file]},
     * {@code [default]}) and its doc. Secrets are masked wherever they appear: secret
     * keys, credentials inside URLs ({@link Redact#url}) and a secret's value quoted inside another setting.
     */
    public String describe() {
        StringBuilder out = new StringBuilder();
        for (ConfigKey<?> key : KEYS) {
            String v = String.valueOf(values.get(key));
            String shown = key.isSecret() ? (v.isEmpty() ? "(empty)" : "****") : masked(v);
            if (key == OUTBOX_DELIVERY_TIMEOUT_MS && outboxDeliveryTimeout().toMillis() < get(OUTBOX_DELIVERY_TIMEOUT_MS)) {
                shown += " (in effect: " + outboxDeliveryTimeout().toMillis() + ", two thirds of " + OUTBOX_LEASE_MS.env() + ")";
            }
            out.append(String.format(Locale.ROOT, "%-26s %-30s = %s  [%s]%n    %s (default: %s)%n", key.name(), key.env(), shown,
                    origins.getOrDefault(key, "default"), key.doc(), key.isSecret() ? "-" : masked(key.defaultValue())));
        }
        return out.toString();
    }

    /** A value with URL credentials and the values of every secret key masked, for output and logs. */
    public String masked(String value) {
        return masked(value, values);
    }

    private static String masked(String value, Map<ConfigKey<?>, Object> values) {
        String out = Redact.credentials(value);
        for (ConfigKey<?> key : KEYS) {
            if (key.isSecret() && values.containsKey(key)) {
                out = Redact.without(out, String.valueOf(values.get(key)));
            }
        }
        return out;
    }
}
