package dev.incidentgateway.outbox;

import com.fasterxml.jackson.databind.JsonNode;
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
     * Loop prevention: events that the gateway read from this connector (pollers and webhooks record a
     * source such as {@code /connectors/jira} or {@code /webhooks/jira}) are not sent back to it.
     */
    private boolean cameFromHere(TimelineEvent event) {
        String source = event.source();
        return source.equals("/connectors/" + name) || source.equals("/webhooks/" + name) || source.equals(name);
    }
}
