package dev.incidentgateway.sla;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.incidentgateway.api.ApiProblem;
import dev.incidentgateway.api.ApiRequest;
import dev.incidentgateway.api.ApiResponse;
import dev.incidentgateway.api.IncidentRequestParser;
import dev.incidentgateway.timeline.Incident;
import dev.incidentgateway.timeline.TimelineStore;

import java.util.Arrays;
import java.util.List;

/**
 * {@code GET /api/v1/incidents/{id}/sla}: the incident's SLA clocks, computed from its timeline now; {@code GET
 * /api/v1/sla?incident=A,B,…}: the same object for each of many incidents, read together.
 */
public final class SlaApi {
    /** The batch's query parameter: one id or a comma list, as {@code status=} of the incident list. */
    static final String INCIDENT = "incident";

    private final TimelineStore store;
    private final SlaClockReader reader;
    private final ObjectMapper json;

    SlaApi(TimelineStore store, SlaClockReader reader, ObjectMapper json) {
        this.store = store;
        this.reader = reader;
        this.json = json;
    }

    /** → {"incidentId", "severity", "status", "targets": [{target, state, goal, dueAt, elapsed, remaining, metAt | breachedAt, …}]}. */
    public ApiResponse incidentSla(ApiRequest req) throws Exception {
        return ApiResponse.json(200, json.writeValueAsBytes(incident(req.pathSegment(3)))); // /api/v1/incidents/{id}/sla
    }

    /** → {"incidents": [the object of {@link #incidentSla}, …]} for those of the ids that exist, in the order asked. */
    public ApiResponse incidentsSla(ApiRequest req) throws Exception {
        return ApiResponse.json(200, json.writeValueAsBytes(incidents(ids(req.query(INCIDENT)))));
    }

    /** The body of {@code GET /api/v1/incidents/{id}/sla}. */
    ObjectNode incident(String id) {
        if (id == null || !IncidentRequestParser.INCIDENT_ID.matcher(id).matches()) {
            throw ApiProblem.notFound("incident " + id + " does not exist (ids look like INC-42)");
        }
        Incident incident = store.incident(id).orElseThrow(() -> ApiProblem.notFound("incident " + id + " does not exist"));
        return view(new SlaClockReader.IncidentClocks(id, incident.severity(), incident.status(), reader.clocks(incident)));
    }

    /** The body of {@code GET /api/v1/sla?incident=…}: ids that do not exist are left out, not a 404. */
    ObjectNode incidents(List<String> ids) {
        ObjectNode body = json.createObjectNode();
        ArrayNode list = body.putArray("incidents");
        reader.clocksOf(ids).forEach(c -> list.add(view(c)));
        return body;
    }

    private ObjectNode view(SlaClockReader.IncidentClocks clocks) {
        ObjectNode body = json.createObjectNode();
        body.put("incidentId", clocks.incidentId());
        body.put("severity", clocks.severity().wireName());
        body.put("status", clocks.status().wireName());
        body.set("targets", json.valueToTree(clocks.targets()));
        return body;
    }

    /** The ids of {@code incident=A,B,…}: at least one, at most {@link SlaClockReader#MAX_BATCH}, each an incident id; else 400. */
    static List<String> ids(String raw) {
        if (raw == null || raw.isBlank()) {
            throw ApiProblem.invalidField(INCIDENT, "incident is required: one incident id or a comma-separated list of at most "
                    + SlaClockReader.MAX_BATCH + " (incident=INC-1,INC-2)");
        }
        List<String> ids = Arrays.stream(raw.split(",", -1)).map(String::strip).toList();
        if (ids.size() > SlaClockReader.MAX_BATCH) {
            throw ApiProblem.invalidField(INCIDENT, "incident lists " + ids.size() + " ids; at most " + SlaClockReader.MAX_BATCH
                    + " per request");
        }
        for (String id : ids) {
            if (!IncidentRequestParser.INCIDENT_ID.matcher(id).matches()) {
                String shown = id.length() > 40 ? id.substring(0, 40) + "…" : id; // a request line may hold 4 KiB of it
                throw ApiProblem.invalidField(INCIDENT, "incident must be incident ids like INC-42, separated by commas; '"
                        + shown + "' is not one");
            }
        }
        return ids;
    }
}
