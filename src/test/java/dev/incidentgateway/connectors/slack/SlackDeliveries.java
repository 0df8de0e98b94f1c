package dev.incidentgateway.connectors.slack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.incidentgateway.outbox.Delivery;
import dev.incidentgateway.outbox.ExternalRef;
import dev.incidentgateway.outbox.MessageTemplates;
import dev.incidentgateway.outbox.OutboxItem;
import dev.incidentgateway.outbox.SinkDescriptor;
import dev.incidentgateway.timeline.EventType;
import dev.incidentgateway.timeline.Incident;
import dev.incidentgateway.timeline.IncidentStatus;
import dev.incidentgateway.timeline.Severity;
import dev.incidentgateway.timeline.TimelineEvent;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;

/** Builds the {@link Delivery} values the relay would hand the Slack sink, and reads the shipped descriptor. */
final class SlackDeliveries {
    private static final AtomicLong IDS = new AtomicLong();

    private SlackDeliveries() {
    }

    /** connectors/slack.yaml from the classpath, as a {@link SinkDescriptor}; every placeholder must be known. */
    static SinkDescriptor descriptor() {
        try (InputStream in = SlackDeliveries.class.getClassLoader().getResourceAsStream("connectors/slack.yaml")) {
            if (in == null) {
                throw new IllegalStateException("connectors/slack.yaml is not on the classpath");
            }
            JsonNode raw = new ObjectMapper(new YAMLFactory()).readTree(in);
            Set<EventType> events = EnumSet.noneOf(EventType.class);
            raw.path("events").forEach(e -> events.add(EventType.fromWire(e.asText()).orElseThrow()));
            Map<String, String> templates = new LinkedHashMap<>();
            raw.path("templates").fields().forEachRemaining(t -> {
                Matcher m = MessageTemplates.PLACEHOLDER.matcher(t.getValue().asText());
                while (m.find()) {
                    if (!MessageTemplates.NAMES.contains(m.group(1))) {
                        throw new IllegalStateException("templates." + t.getKey() + ": unknown placeholder " + m.group());
                    }
                }
                templates.put(t.getKey(), t.getValue().asText());
            });
            return new SinkDescriptor(raw.path("name").asText(), events,
                    Severity.fromWire(raw.path("minSeverity").asText()).orElseThrow(), templates, raw);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static String newIncidentId() {
        return "01JINC" + String.format("%020d", IDS.incrementAndGet());
    }

    /**
     * @param status the incident's status after the event (the relay passes the current view)
     */
    static Delivery delivery(String incidentId, EventType type, IncidentStatus status, String content, ExternalRef ref) {
        long seq = IDS.incrementAndGet();
        Instant now = Instant.now();
        Incident incident = new Incident(incidentId, "Checkout <errors> & timeouts", Severity.SEV2, status, "alice",
                now, null, null, null, null, "E" + seq, seq, "0".repeat(64), 0);
        TimelineEvent event = new TimelineEvent("E" + seq, incidentId, seq, type, "bob", type == EventType.NOTE ? "Note" : null,
                content, now, now, "/api/v1", null, null, null, new ObjectMapper().createObjectNode(), "0".repeat(64),
                "1".repeat(64), "key:test");
        OutboxItem item = new OutboxItem(seq, "slack", incidentId, event.id(), seq, 0, now);
        return new Delivery(item, event, incident, ref);
    }
}
