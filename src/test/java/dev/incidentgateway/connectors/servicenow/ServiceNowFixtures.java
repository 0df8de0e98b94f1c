package dev.incidentgateway.connectors.servicenow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.incidentgateway.outbox.Delivery;
import dev.incidentgateway.outbox.ExternalRef;
import dev.incidentgateway.outbox.OutboxItem;
import dev.incidentgateway.outbox.SinkDescriptor;
import dev.incidentgateway.timeline.EventType;
import dev.incidentgateway.timeline.Incident;
import dev.incidentgateway.timeline.IncidentStatus;
import dev.incidentgateway.timeline.Severity;
import dev.incidentgateway.timeline.TimelineEvent;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** The shipped ServiceNow descriptor as a {@link SinkDescriptor}, and deliveries of one incident's events. */
final class ServiceNowFixtures {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private ServiceNowFixtures() {
    }

    /** {@code connectors/servicenow.yaml} from the classpath (copied there by the build). */
    static SinkDescriptor shippedDescriptor() {
        try (InputStream in = ServiceNowFixtures.class.getClassLoader().getResourceAsStream("connectors/servicenow.yaml")) {
            if (in == null) {
                throw new IllegalStateException("connectors/servicenow.yaml is not on the classpath");
            }
            JsonNode raw = YAML.readTree(in);
            Set<EventType> events = EnumSet.noneOf(EventType.class);
            raw.path("events").forEach(e -> events.add(EventType.fromWire(e.asText()).orElseThrow()));
            Map<String, String> templates = new LinkedHashMap<>();
            raw.path("templates").fields().forEachRemaining(f -> templates.put(f.getKey(), f.getValue().asText()));
            return new SinkDescriptor(raw.path("name").asText(), events,
                    Severity.fromWire(raw.path("minSeverity").asText()).orElseThrow(), templates, raw);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One incident's timeline, one delivery per event, with seq counting up. */
    static final class Timeline {
        private final String incidentId;
        private final Severity severity;
        private final String title;
        private long seq;

        Timeline(String incidentId, Severity severity, String title) {
            this.incidentId = incidentId;
            this.severity = severity;
            this.title = title;
        }

        Delivery event(EventType type, IncidentStatus statusAfter, String actor, String content, ExternalRef ref) {
            return event(type, statusAfter, actor, content, JsonNodeFactory.instance.objectNode(), ref);
        }

        Delivery event(EventType type, IncidentStatus statusAfter, String actor, String content, ObjectNode data, ExternalRef ref) {
            seq++;
            Instant now = Instant.parse("2026-11-23T08:00:00Z").plusSeconds(seq * 60);
            String eventId = String.format("01JD0000000000000000000%03d", seq);
            TimelineEvent event = new TimelineEvent(eventId, incidentId, seq, type, actor,
                    type == EventType.DECLARE ? title : null, content, now, now, "/api/v1", null, null, null, data,
                    "0".repeat(64), "f".repeat(64), "key:test");
            Incident incident = new Incident(incidentId, title, severity, statusAfter, null, now, null, null, null, null,
                    eventId, seq, "f".repeat(64), 0);
            OutboxItem item = new OutboxItem(seq, "servicenow", incidentId, eventId, seq, 0, now);
            return new Delivery(item, event, incident, ref);
        }
    }
}
