package dev.incidentgateway.outbox;

import com.fasterxml.jackson.databind.JsonNode;
import dev.incidentgateway.timeline.AppendListener;
import dev.incidentgateway.timeline.EventType;
import dev.incidentgateway.timeline.ExternalRefProvenance;
import dev.incidentgateway.timeline.Incident;
import dev.incidentgateway.timeline.IncidentStatus;
import dev.incidentgateway.timeline.TimelineEvent;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

/**
 * Records the ticket an incident was declared from (a poller's declare carries it as {@code data.externalRef}:
 * connector, externalId, externalKey, url) in {@code external_refs}, in the declare's own transaction. The
 * sink of that connector then updates that ticket instead of creating a second one, and the poller maps
 * the ticket's later changes to the incident by id. Only a declare of that connector's own poller is recorded
 * ({@link ExternalRefProvenance}): sinks write into the linked ticket with the gateway's credentials.
 */
public final class ExternalRefRecorder implements AppendListener {

    @Override
    public void inTransaction(Connection c, List<TimelineEvent> events, Map<String, Incident> views,
                              Map<String, IncidentStatus> statusAfter) throws SQLException {
        for (TimelineEvent e : events) {
            JsonNode ref = e.data().path(ExternalRefProvenance.FIELD);
            // The store refuses a declare whose ref its poller did not set (EventLimits); checked again here, where the
            // link is written, so that no later entry point can plant one.
            if (e.type() == EventType.DECLARE && ExternalRefProvenance.byItsPoller(e.principal(), ref)
                    && ref.hasNonNull("externalId")) {
                ExternalRefs.insert(c, new ExternalRef(e.incidentId(), ref.get("connector").asText(), ref.get("externalId").asText(),
                        text(ref, "externalKey"), text(ref, "channel"), text(ref, "url")), e.recordedAt());
            }
        }
    }

    private static String text(JsonNode ref, String field) {
        return ref.hasNonNull(field) ? ref.get(field).asText() : null;
    }
}
