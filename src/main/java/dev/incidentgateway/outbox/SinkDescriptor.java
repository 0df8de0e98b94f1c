package dev.incidentgateway.outbox;

import com.fasterxml.jackson.databind.JsonNode;
import dev.incidentgateway.security.Principal;
import dev.incidentgateway.timeline.EventType;
import dev.incidentgateway.timeline.Severity;
import dev.incidentgateway.timeline.TimelineEvent;

import java.util.Map;
import java.util.Set;

/**
 * A subscription read from {@code connectors/<name>.yaml} ({@code kind: sink}): which events go to the
 * connector, from which severity up, and its message templates ({@link MessageTemplates}). {@code raw} is
 * the whole descriptor, for connector-specific settings (Jira issue type, transition names, …).
 */
public record SinkDescriptor(String name, Set<EventType> events, Severity minSeverity, Map<String, String> templates,
                             JsonNode raw) {

    /** True when the event is one this connector subscribed to and did not come from the connector itself. */
    public boolean accepts(TimelineEvent event, Severity incidentSeverity) {
        return events.contains(event.type())
                && incidentSeverity.ordinal() <= minSeverity.ordinal()
                && !cameFromHere(event);
    }

    /**
     * Loop prevention: events that the gateway read from this connector (principal {@code poller:<name>} or
     * {@code webhook:<name>}, set by the server) are not sent back to it. Never keyed on a caller-supplied
     * string such as the CloudEvents source, which any sender can write.
     */
    private boolean cameFromHere(TimelineEvent event) {
        return name.equals(Principal.originConnector(event.principal()));
    }
}
