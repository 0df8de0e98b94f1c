package dev.incidentgateway.outbox;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.incidentgateway.timeline.EventType;
import dev.incidentgateway.timeline.Incident;
import dev.incidentgateway.timeline.IncidentStatus;
import dev.incidentgateway.timeline.Severity;
import dev.incidentgateway.timeline.TimelineEvent;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link MessageTemplates}: what the connectors' templates (Slack, Jira, ServiceNow) see of a delivery. */
class MessageTemplatesTest {
    private static final Instant T = Instant.parse("2026-11-23T08:00:00Z");
    private static final TimelineEvent DECLARE = new TimelineEvent("01JD0000000000000000000001", "INC-1", 1, EventType.DECLARE,
            "alice", "Disk full", null, T, T, "/api/v1", null, null, null, JsonNodeFactory.instance.objectNode(),
            "0".repeat(64), "f".repeat(64), "key:test");
    /** The incident when the declare is delivered late: acknowledged meanwhile. */
    private static final Incident NOW = new Incident("INC-1", "Disk full", Severity.SEV2, IncidentStatus.ACKNOWLEDGED, null, T,
            T.plusSeconds(60), null, null, null, "01JD0000000000000000000002", 2, "f".repeat(64), 0);

    @Test
    void incidentStatusIsTheStatusRecordedWithTheRowNotTheStatusAtDelivery() {
        OutboxItem recorded = new OutboxItem(1, "slack", "INC-1", DECLARE.id(), 1, IncidentStatus.DECLARED, 0, T, 0L);
        assertThat(MessageTemplates.render("${event.type}: ${incident.status}", new Delivery(recorded, DECLARE, NOW, null), ""))
                .isEqualTo("declare: declared");
        OutboxItem legacy = new OutboxItem(1, "slack", "INC-1", DECLARE.id(), 1, 0, T);
        assertThat(MessageTemplates.render("${event.type}: ${incident.status}", new Delivery(legacy, DECLARE, NOW, null), ""))
                .as("a row from before the column records none: the current status").isEqualTo("declare: acknowledged");
    }
}
