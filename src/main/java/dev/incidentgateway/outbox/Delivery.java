package dev.incidentgateway.outbox;

import dev.incidentgateway.timeline.Incident;
import dev.incidentgateway.timeline.TimelineEvent;

/**
 * Everything a sink needs to deliver one event.
 *
 * @param incident the incident's current view (for status lines and severity)
 * @param ref      the incident's ticket/thread at this connector, or {@code null} before it was created
 */
public record Delivery(OutboxItem item, TimelineEvent event, Incident incident, ExternalRef ref) {
}
