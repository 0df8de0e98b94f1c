package dev.incidentgateway.connectors.slack;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.incidentgateway.GatewayJson;
import dev.incidentgateway.outbox.Delivery;
import dev.incidentgateway.outbox.IncidentLink;
import dev.incidentgateway.outbox.OutboxItem;
import dev.incidentgateway.timeline.EventType;
import dev.incidentgateway.timeline.Incident;
import dev.incidentgateway.timeline.IncidentStatus;
import dev.incidentgateway.timeline.Severity;
import dev.incidentgateway.timeline.TimelineEvent;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The Slack thread reply for a change of severity says what changed, by whom and why. */
class SlackSeverityChangeMessageTest {
    private static final Instant T = Instant.parse("2026-12-03T08:00:00Z");
    private static final Incident NOW = new Incident("INC-7", "Checkout slow", Severity.SEV1, IncidentStatus.DECLARED, null, T,
            null, null, null, null, "01JD0000000000000000000012", 2, "f".repeat(64), 0);
    private final SlackMessageBuilder builder = new SlackMessageBuilder(Map.of(), new IncidentLink("", ""), GatewayJson.create());

    private String reply(ObjectNode data) {
        TimelineEvent e = new TimelineEvent("01JD0000000000000000000012", "INC-7", 2, EventType.STATE_CHANGE, "carol", null, null,
                T, T, "/api/v1", null, null, null, data, "0".repeat(64), "f".repeat(64), "key:test");
        OutboxItem row = new OutboxItem(1, "slack", "INC-7", e.id(), 2, IncidentStatus.DECLARED, 0, T, 0L);
        return builder.reply("C1", "1.1", new Delivery(row, e, NOW, null)).path("text").asText();
    }

    @Test
    void aSeverityChangeReadsAsOne() {
        ObjectNode data = JsonNodeFactory.instance.objectNode().put("severity", "sev1").put("previousSeverity", "sev3")
                .put("reason", "customer impact");
        assertThat(reply(data)).isEqualTo("Severity changed sev3 → sev1 by carol: customer impact");
        data.remove("reason");
        assertThat(reply(data)).as("without a reason").isEqualTo("Severity changed sev3 → sev1 by carol");
        data.put("to", "acknowledged");
        assertThat(reply(data)).as("with a status change too").isEqualTo("Severity changed sev3 → sev1 by carol\n*state_change* by carol");
        assertThat(reply(JsonNodeFactory.instance.objectNode().put("to", "acknowledged"))).as("a status change alone, as before")
                .isEqualTo("*state_change* by carol");
    }
}
