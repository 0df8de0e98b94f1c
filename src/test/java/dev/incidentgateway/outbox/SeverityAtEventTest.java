package dev.incidentgateway.outbox;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.incidentgateway.timeline.EventType;
import dev.incidentgateway.timeline.Incident;
import dev.incidentgateway.timeline.IncidentStatus;
import dev.incidentgateway.timeline.Severity;
import dev.incidentgateway.timeline.TimelineEvent;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link OutboxWriter#severityAtEachEvent}: a connector's {@code minSeverity} sees the severity at each event, also
 * when one transaction holds a declare and a severity change (a webhook's batch), not the view's last severity.
 */
class SeverityAtEventTest {
    private static final Instant T = Instant.parse("2026-12-03T08:00:00Z");

    @Test
    void eachEventIsFilteredByTheSeverityRightAfterItAndAChangeByTheHigherOfItsTwo() {
        TimelineEvent declare = event(1, EventType.DECLARE, data("severity", "sev3"));
        TimelineEvent ack = event(2, EventType.ACK, data());
        TimelineEvent escalate = event(3, EventType.STATE_CHANGE, data("severity", "sev1", "previousSeverity", "sev3"));
        TimelineEvent note = event(4, EventType.NOTE, data());
        TimelineEvent lower = event(5, EventType.STATE_CHANGE, data("severity", "sev4", "previousSeverity", "sev1"));
        TimelineEvent resolve = event(6, EventType.RESOLVE, data());
        Incident view = new Incident("INC-1", "t", Severity.SEV4, IncidentStatus.RESOLVED, null, T, T, null, T, null,
                resolve.id(), 6, "f".repeat(64), 0);
        Map<String, Severity> at = OutboxWriter.severityAtEachEvent(List.of(declare, ack, escalate, note, lower, resolve),
                Map.of("INC-1", view));
        assertThat(List.of(declare, ack, escalate, note, lower, resolve)).extracting(e -> at.get(e.id()))
                .containsExactly(Severity.SEV3, Severity.SEV3, Severity.SEV1, Severity.SEV1, Severity.SEV1, Severity.SEV4);

        SinkDescriptor sev2Channel = new SinkDescriptor("chat", EnumSet.allOf(EventType.class), Severity.SEV2, Map.of(), null);
        assertThat(List.of(declare, ack, escalate, note, lower, resolve)).filteredOn(e -> sev2Channel.accepts(e, at.get(e.id())))
                .as("the channel hears of it from the escalation on, and of its lowering, then no more")
                .containsExactly(escalate, note, lower);
    }

    private static ObjectNode data(String... pairs) {
        ObjectNode d = JsonNodeFactory.instance.objectNode();
        for (int i = 0; i < pairs.length; i += 2) {
            d.put(pairs[i], pairs[i + 1]);
        }
        return d;
    }

    private static TimelineEvent event(long seq, EventType type, ObjectNode data) {
        return new TimelineEvent("01JD00000000000000000000" + (10 + seq), "INC-1", seq, type, "carol", "t", null, T, T, "/api/v1",
                null, null, null, data, "0".repeat(64), "f".repeat(64), "key:test");
    }
}
