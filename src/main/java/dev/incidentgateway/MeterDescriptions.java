package dev.incidentgateway;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;

import java.util.Map;

/**
 * The HELP text of the gateway's meters registered with Micrometer's shortcuts ({@code meters.counter(name, tags…)},
 * {@code meters.gauge(…)}), which take no description: Prometheus showed an empty {@code # HELP} line for them (e.g.
 * {@code gateway_outbox_failures_total}). Meters built with a description keep theirs.
 */
final class MeterDescriptions implements MeterFilter {
    static final Map<String, String> BY_NAME = Map.ofEntries(
            Map.entry("gateway.appends", "Appends by event type and outcome (stored, duplicate, refused, failed)"),
            Map.entry("gateway.append.errors", "Appends that failed in the store, by reason"),
            Map.entry("gateway.poll.invalid_records", "Records a poller read and could not turn into an event, by poller and field"),
            Map.entry("gateway.outbox.delivered", "Outbox rows delivered (the target answered 2xx), by connector"),
            Map.entry("gateway.outbox.failures", "Failed delivery attempts by connector and kind: retry (tried again later) or dead (given up)"),
            Map.entry("gateway.outbox.rate_limited", "Deliveries the target paced (429/503 with Retry-After, a route's TimelineRetryAfter), by connector; also counted as kind=retry failures"),
            Map.entry("gateway.outbox.deadline.exceeded", "Deliveries cut off at GATEWAY_OUTBOX_DELIVERY_TIMEOUT_MS, by connector"),
            Map.entry("gateway.http.expensive.reads", "Reads that scan a whole incident or the log running now (at most GATEWAY_EXPENSIVE_READS_MAX)"),
            Map.entry("gateway.http.refused", "HTTP requests refused before a route ran, by reason"),
            Map.entry("gateway.http.connections", "HTTP connections open now"),
            Map.entry("gateway.http.connections.cut", "HTTP connections the gateway closed, by reason (a timeout, a slow body)"),
            Map.entry("gateway.http.inflight", "HTTP requests admitted and not yet answered"),
            Map.entry("gateway.http.inflight.unauthenticated", "HTTP requests in flight whose credential is not yet checked"),
            Map.entry("gateway.http.errors", "Error answers (4xx and 5xx) by status"),
            Map.entry("gateway.stream.dropped", "Live stream subscribers disconnected, by reason"),
            Map.entry("gateway.stream.subscribers", "Live stream subscribers connected now"),
            Map.entry("gateway.stream.published", "Events published to the live stream"),
            Map.entry("gateway.sla.breaches", "SLA targets breached, by target and severity"),
            Map.entry("gateway.sla.warnings", "SLA targets past their warning threshold, by target and severity"));

    @Override
    public Meter.Id map(Meter.Id id) {
        String description = BY_NAME.get(id.getName());
        return description == null || id.getDescription() != null ? id
                : new Meter.Id(id.getName(), io.micrometer.core.instrument.Tags.of(id.getTagsAsIterable()), id.getBaseUnit(),
                        description, id.getType());
    }
}
