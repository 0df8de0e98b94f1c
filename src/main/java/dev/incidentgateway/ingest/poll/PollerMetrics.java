package dev.incidentgateway.ingest.poll;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One poller's part of {@code /metrics}. A poller stopped on refused credentials, or failing at every tick, was visible
 * only in the log and on {@code /health}'s {@code checks.poller-<name>} (which a readiness probe leaves out on purpose), so
 * an alert needed a log search or a probe of its own. Every series is there from the poller's start (at 0), labelled by
 * the poller's name only, which the gateway's configuration decides (never a vendor's data):
 * <ul>
 * <li>{@code gateway_poll_failures_total{poller,kind}}: runs that failed, by {@link Kind};</li>
 * <li>{@code gateway_poll_stopped{poller}}: 1 while the poller is stopped on refused credentials (until a restart);</li>
 * <li>{@code gateway_poll_last_success_timestamp_seconds{poller}}: when a run last read everything new and stored it (0
 * before the first). Its age is the poller's lag: how far behind the ticket tool the timeline may be. An instance on
 * standby (another one holds the source's lock) never succeeds, so alert on the newest across instances.</li>
 * </ul>
 */
final class PollerMetrics {
    /** Why a run failed; the label values of {@code gateway_poll_failures_total}. */
    enum Kind {
        /** 401/403: the credentials were refused; the poller stops. */
        CREDENTIALS("credentials"),
        /** 429, 5xx, a timeout, no answer: tried again later. */
        TRANSIENT("transient"),
        /** The page was read but the store could not take it: tried again later. */
        STORE("store");

        final String label;

        Kind(String label) {
            this.label = label;
        }
    }

    private final Map<Kind, Counter> failures = new EnumMap<>(Kind.class);
    private final AtomicLong lastSuccessMillis = new AtomicLong();
    private volatile boolean stopped;

    PollerMetrics(String poller, MeterRegistry meters) {
        for (Kind kind : Kind.values()) {
            failures.put(kind, Counter.builder("gateway.poll.failures").tag("poller", poller).tag("kind", kind.label)
                    .description("Poller runs that failed, by kind: credentials (refused: the poller stops), transient "
                            + "(429, 5xx, no answer: retried), store (the page could not be stored: retried)")
                    .register(meters));
        }
        Gauge.builder("gateway.poll.stopped", this, m -> m.stopped ? 1 : 0).tag("poller", poller).strongReference(true)
                .description("1 while the poller is stopped because its credentials were refused (until a restart)")
                .register(meters);
        Gauge.builder("gateway.poll.last.success.timestamp.seconds", lastSuccessMillis, m -> m.get() / 1000.0)
                .tag("poller", poller).strongReference(true)
                .description("Unix time of the poller's last run that read everything new and stored it; 0 before the first")
                .register(meters);
    }

    void succeeded(Instant at) {
        lastSuccessMillis.set(at.toEpochMilli());
    }

    void failed(Kind kind) {
        failures.get(kind).increment();
        if (kind == Kind.CREDENTIALS) {
            stopped = true;
        }
    }
}
