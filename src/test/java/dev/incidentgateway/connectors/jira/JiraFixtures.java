package dev.incidentgateway.connectors.jira;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/** Deliveries and the {@code connectors/jira.yaml} descriptor for Jira sink tests. */
final class JiraFixtures {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant T0 = Instant.parse("2025-03-01T10:15:30Z");

    private JiraFixtures() {
    }

    /** The shipped descriptor, optionally edited (e.g. another issue type). */
    static SinkDescriptor descriptor(Consumer<ObjectNode> edit) {
        try {
            ObjectNode raw = (ObjectNode) new ObjectMapper(new YAMLFactory()).readTree(Path.of("connectors/jira.yaml").toFile());
            edit.accept(raw);
            Set<EventType> events = EnumSet.noneOf(EventType.class);
            raw.path("events").forEach(e -> events.add(EventType.fromWire(e.asText()).orElseThrow()));
            Map<String, String> templates = new LinkedHashMap<>();
            raw.path("templates").properties().forEach(e -> templates.put(e.getKey(), e.getValue().asText()));
            return new SinkDescriptor(raw.path("name").asText(), events,
                    Severity.fromWire(raw.path("minSeverity").asText()).orElseThrow(), templates, raw);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static SinkDescriptor descriptor() {
        return descriptor(raw -> {
        });
    }

    static Delivery delivery(String incidentId, EventType type, IncidentStatus status, ExternalRef ref) {
        return delivery(incidentId, type, status, ref, JSON.createObjectNode());
    }

    static Delivery delivery(String incidentId, EventType type, IncidentStatus status, ExternalRef ref, ObjectNode data) {
        long seq = type.ordinal() + 1;
        String title = type == EventType.DECLARE ? "Checkout latency above 2s" : null;
        String content = switch (type) {
            case DECLARE -> "p99 of /checkout is 2.4s since 10:12.\nRunbook: https://runbooks.example/checkout";
            case NOTE -> "Rolled back deploy 2025.03.01-2";
            default -> "";
        };
        TimelineEvent event = new TimelineEvent("01J0000000000000000000000" + seq, incidentId, seq, type, "alice", title, content,
                T0.plusSeconds(60 * seq), T0.plusSeconds(60 * seq), "/api/v1", null, null, null, data,
                "0".repeat(64), "1".repeat(64), "key:test");
        Incident incident = new Incident(incidentId, "Checkout latency above 2s", Severity.SEV2, status, "alice", T0,
                null, null, null, null, event.id(), seq, event.hash(), 0);
        OutboxItem item = new OutboxItem(seq, "jira", incidentId, event.id(), seq, 0, T0);
        return new Delivery(item, event, incident, ref);
    }

    static ObjectNode data(String field, String value) {
        return JSON.createObjectNode().put(field, value);
    }

    static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
