package dev.incidentgateway.config;

import java.util.List;

/**
 * The HTTP server's settings and what it admits: port, TLS, limits and timeouts, the REST API's and webhooks' rate limits
 * and pages, the public URL, and the shutdown budget in which it drains.
 * Declared once here, listed in {@link GatewayConfig#KEYS}; read with {@link GatewayConfig#get}.
 */
public final class HttpSettings {
    public static final ConfigKey<Integer> HTTP_PORT = ConfigKey.integer("http.port", "GATEWAY_HTTP_PORT", 8080, 0, 65535,
            "TCP port of the HTTP server (API, webhooks, /health, /metrics). 0 picks a free port.");
    public static final ConfigKey<Integer> HTTP_MAX_BODY_BYTES = ConfigKey.integer("http.maxBodyBytes", "GATEWAY_MAX_BODY_BYTES",
            1_048_576, 1024, 64 * 1_048_576, "Largest request body accepted; a larger one is refused with 413.");
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

    public static final ConfigKey<String> PUBLIC_URL = ConfigKey.matching("http.publicUrl", "GATEWAY_PUBLIC_URL", "",
            "|https?://[^\\s/?#]+\\S*", "empty or an http(s) base URL (https://gateway.example.com)",
            "The gateway's public base URL (https://gateway.example.com); outbound messages link to its incident pages.");
    public static final ConfigKey<String> TLS_CERT_FILE = ConfigKey.string("http.tls.certFile", "GATEWAY_TLS_CERT_FILE", "",
            "PEM certificate (chain) for HTTPS on the gateway's port. Set with GATEWAY_TLS_KEY_FILE; both empty: plain HTTP.");
    public static final ConfigKey<String> TLS_KEY_FILE = ConfigKey.string("http.tls.keyFile", "GATEWAY_TLS_KEY_FILE", "",
            "PEM private key (PKCS#8, or PKCS#1 RSA / SEC1 EC, unencrypted) of GATEWAY_TLS_CERT_FILE.");

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

    /** This area's keys, in the order {@code config} lists them. */
    static final List<ConfigKey<?>> KEYS = List.of(HTTP_PORT, HTTP_MAX_BODY_BYTES, DEFAULT_SOURCE, WEBHOOK_TOKEN,
            PUBLIC_URL, TLS_CERT_FILE, TLS_KEY_FILE, HTTP_MAX_INFLIGHT, HTTP_READ_TIMEOUT_S, HTTP_IDLE_TIMEOUT_S,
            WEBHOOK_RATE_PER_S, WEBHOOK_RATE_BURST, API_RATE_PER_S, API_RATE_BURST, EXPENSIVE_READS_MAX,
            PAGE_MAX_BYTES, SHUTDOWN_TIMEOUT_S);

    private HttpSettings() {
    }
}
