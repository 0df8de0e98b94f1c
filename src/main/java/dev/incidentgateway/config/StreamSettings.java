package dev.incidentgateway.config;

import java.util.List;

/**
 * The live stream's settings ({@code GET /api/v1/stream}, stream/StreamBroadcaster).
 * Declared once here, listed in {@link GatewayConfig#KEYS}; read with {@link GatewayConfig#get}.
 */
public final class StreamSettings {
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

    /** This area's keys, in the order {@code config} lists them. */
    static final List<ConfigKey<?>> KEYS = List.of(STREAM_SOURCE, STREAM_POLL_MS, STREAM_BUFFER_EVENTS,
            STREAM_BUFFER_BYTES, STREAM_MAX_SUBSCRIBERS, STREAM_MAX_PER_PRINCIPAL, STREAM_HEARTBEAT_S);

    private StreamSettings() {
    }
}
