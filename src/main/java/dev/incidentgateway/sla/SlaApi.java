package dev.incidentgateway.sla;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.incidentgateway.api.ApiProblem;
import dev.incidentgateway.api.ApiRequest;
import dev.incidentgateway.api.ApiResponse;
import dev.incidentgateway.api.IncidentRequestParser;
import dev.incidentgateway.timeline.Incident;
import dev.incidentgateway.timeline.TimelineStore;

/** {@code GET /api/v1/incidents/{id}/sla}: the incident's SLA clocks, computed from its timeline now. */
public final class SlaApi {
    private final TimelineStore store;
    private final SlaTracker tracker;
    private final ObjectMapper json;

    public SlaApi(TimelineStore store, SlaTracker tracker, ObjectMapper json) {
        this.store = store;
        this.tracker = tracker;
        this.json = json;
    }

    /** → {"incidentId", "severity", "status", "targets": [{target, state, goal, dueAt, elapsed, remaining, metAt | breachedAt, …}]}. */
    public ApiResponse incidentSla(ApiRequest req) throws Exception {
        String id = req.pathSegment(3); // /api/v1/incidents/{id}/sla
        if (id == null || !IncidentRequestParser.INCIDENT_ID.matcher(id).matches()) {
            throw ApiProblem.notFound("incident " + id + " does not exist (ids look like INC-42)");
        }
        Incident incident = store.incident(id).orElseThrow(() -> ApiProblem.notFound("incident " + id + " does not exist"));
        ObjectNode body = json.createObjectNode();
        body.put("incidentId", id);
        body.put("severity", incident.severity().wireName());
        body.put("status", incident.status().wireName());
        body.set("targets", json.valueToTree(tracker.clocks(incident)));
        return ApiResponse.json(200, json.writeValueAsBytes(body));
    }
}
