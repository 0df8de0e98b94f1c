package dev.incidentgateway.outbox;

import dev.incidentgateway.timeline.Incident;
import dev.incidentgateway.timeline.IncidentStatus;
import dev.incidentgateway.timeline.TimelineEvent;

/**
 * Everything a sink needs to deliver one event.
 *
 * @param incident the incident's current view (title, severity, commander); its status is the one at delivery time,
 *                 which a message about this event should not show: see {@link #statusAfterEvent}
 * @param ref      the incident's ticket/thread at this connector, or {@code null} before it was created
 */
public record Delivery(OutboxItem item, TimelineEvent event, Incident incident, ExternalRef ref) {
    /**
     * The incident's status right after this event, as recorded with the outbox row: what every message about the event
     * shows, so a declare delivered after the incident was acknowledged (a retry, a backlog, a declare and an ack in one
     * transaction) still says declared. Rows written before that column fall back to the current status.
     */
    public IncidentStatus statusAfterEvent() {
        return item.incidentStatus() != null ? item.incidentStatus() : incident.status();
    }
}
