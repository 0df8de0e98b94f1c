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

    /** A resolve without content, as the Jira poller reads one: Hank moved the issue to Done and wrote nothing. */
    private static final TimelineEvent BARE_RESOLVE = new TimelineEvent("01JD0000000000000000000003", "INC-1", 3, EventType.RESOLVE,
            "Hank", null, null, T, T, "/connectors/jira", null, null, null, JsonNodeFactory.instance.objectNode(),
            "0".repeat(64), "f".repeat(64), "poller:jira");

    private static String render(String template, TimelineEvent event) {
        OutboxItem row = new OutboxItem(1, "slack", "INC-1", event.id(), event.seq(), IncidentStatus.RESOLVED, 0, T, 0L);
        return MessageTemplates.render(template, new Delivery(row, event, NOW, null), "");
    }

    @Test
    void anEventWithoutContentLeavesNoDanglingSeparatorNorEmptyLine() {
        assertThat(render("Resolved by ${event.actor}: ${event.content}", BARE_RESOLVE)).as("ServiceNow close_notes")
                .isEqualTo("Resolved by Hank");
        assertThat(render("*${event.type}* by ${event.actor}\n${event.title}\n${event.content}", BARE_RESOLVE)).as("a chat reply")
                .isEqualTo("*resolve* by Hank");
        assertThat(render("[${event.type}] ${event.title}\n${event.content}\n— ${event.actor}, ${event.time}", BARE_RESOLVE))
                .as("a Jira comment").isEqualTo("[resolve]\n— Hank, " + T);
        assertThat(render("Closed by ${event.actor}. ${event.content}", BARE_RESOLVE)).isEqualTo("Closed by Hank.");
    }

    @Test
    void anEventWithContentRendersAsWrittenBlankLinesOfTheTemplateIncluded() {
        TimelineEvent resolve = new TimelineEvent(BARE_RESOLVE.id(), "INC-1", 3, EventType.RESOLVE, "Hank", null, "rolled back",
                T, T, "/api/v1", null, null, null, JsonNodeFactory.instance.objectNode(), "0".repeat(64), "f".repeat(64), "key:test");
        assertThat(render("Resolved by ${event.actor}: ${event.content}", resolve)).isEqualTo("Resolved by Hank: rolled back");
        assertThat(render("${event.content}\n\nBy ${event.actor} - ${event.title}", resolve)).isEqualTo("rolled back\n\nBy Hank");
        assertThat(render("${event.type}\n", resolve)).as("a template's own line break stays").isEqualTo("resolve\n");
    }

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
