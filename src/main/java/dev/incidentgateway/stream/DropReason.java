package dev.incidentgateway.stream;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.EnumMap;

/**
 * Why a live stream was cut: the {@code reason} of {@code gateway.stream.dropped}. Every reason is registered at 0
 * when the broadcaster is built, so an alert on {@code rate(gateway_stream_dropped_total[5m])} has its series from
 * the start, not only after the first drop.
 */
enum DropReason {
    /** The subscriber lagged more than the ring holds. */
    OVERFLOW("overflow"),
    /** Its write queue stayed full for several heartbeats. */
    STALLED("stalled"),
    /** Its replay from the store failed. */
    REPLAY_FAILED("replay-failed"),
    /** Its credential no longer authenticates (a revoked API key, an expired access token): ended with a comment saying so. */
    CREDENTIAL_LAPSED("credential-lapsed");

    private final String label;

    DropReason(String label) {
        this.label = label;
    }

    /** One counter per reason, registered (at 0) now. */
    static EnumMap<DropReason, Counter> register(MeterRegistry meters) {
        EnumMap<DropReason, Counter> counters = new EnumMap<>(DropReason.class);
        for (DropReason reason : values()) {
            counters.put(reason, meters.counter("gateway.stream.dropped", "reason", reason.label));
        }
        return counters;
    }
}
