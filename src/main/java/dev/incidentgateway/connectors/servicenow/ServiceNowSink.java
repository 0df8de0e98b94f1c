package dev.incidentgateway.connectors.servicenow;

import dev.incidentgateway.connectors.http.VendorHttp;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.incidentgateway.outbox.Delivery;
import dev.incidentgateway.outbox.DeliveryResult;
import dev.incidentgateway.outbox.ExternalRef;
import dev.incidentgateway.connectors.http.FailureClassifier;
import dev.incidentgateway.connectors.http.HttpCall;
import dev.incidentgateway.connectors.http.HttpReply;
import dev.incidentgateway.outbox.Sink;
import dev.incidentgateway.connectors.http.SinkHttpClient;
import dev.incidentgateway.timeline.EventType;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Delivers timeline events to ServiceNow incidents through the Table API ({@code /api/now/table/incident},
 * Basic auth). One ServiceNow incident per gateway incident, found again by {@code correlation_id}: when the
 * relay has no ref yet (first delivery, or a crash after ServiceNow created the record and before the row was
 * marked done), the sink looks the record up before creating one, and returns the ref it found or made.
 * Record bodies come from {@link ServiceNowRecordMapper}, error reasons from {@link ServiceNowErrors}.
 */
public final class ServiceNowSink implements Sink {
    public static final String CONNECTOR = "servicenow";
    static final String TABLE = "/api/now/table/incident";
    /** Names the gateway event a call stands for; ServiceNow ignores headers it does not know. */
    static final String EVENT_HEADER = "X-Incident-Gateway-Event";

    private final String baseUrl;
    private final String authorization;
    private final String password;
    private final ServiceNowRecordMapper mapper;
    private final SinkHttpClient http;

    /** @param instance the instance and integration user, shared with the poller */
    public ServiceNowSink(ServiceNowSettings instance, ServiceNowRecordMapper mapper, SinkHttpClient http) {
        this.baseUrl = instance.baseUrl();
        this.authorization = instance.authorization();
        this.password = instance.password();
        this.mapper = mapper;
        this.http = http;
    }

    @Override
    public DeliveryResult deliver(Delivery d) {
        ExternalRef created = null;
        ExternalRef ref = d.ref();
        if (ref == null || ref.externalId() == null || ref.externalId().isBlank()) {
            Step found = findOrCreate(d);
            if (found.failure() != null) {
                return found.failure();
            }
            ref = found.ref();
            created = ref;
        }
        if (d.event().type() == EventType.DECLARE) {
            return new DeliveryResult.Delivered(created);
        }
        ObjectNode body = mapper.update(d);
        if (body.isEmpty()) {
            return new DeliveryResult.Delivered(created);
        }
        HttpReply reply = send(HttpCall.json("PATCH", baseUrl + TABLE + "/" + VendorHttp.encode(ref.externalId()), headers(d), body.toString()));
        return reply.isSuccess() ? new DeliveryResult.Delivered(created) : failure(reply);
    }

    /** The record this gateway made for the incident (by correlation_id), else a new one. */
    private Step findOrCreate(Delivery d) {
        String incidentId = d.incident().id();
        String query = "correlation_id=" + incidentId.replace("^", "^^");
        String url = baseUrl + TABLE + "?sysparm_query=" + VendorHttp.encode(query) + "&sysparm_fields=sys_id,number&sysparm_limit=1";
        Map<String, String> h = headers(d);
        h.put("Accept", "application/json");
        HttpReply found = send(HttpCall.get(url, h));
        if (!found.isSuccess()) {
            return Step.failed(failure(found));
        }
        JsonNode result = VendorHttp.json(found).path("result");
        if (!result.isArray()) {
            return Step.failed(new DeliveryResult.Retry("HTTP " + found.status() + ": lookup answer has no result list", null));
        }
        if (!result.isEmpty()) {
            return ref(incidentId, result.get(0), found);
        }
        HttpReply made = send(HttpCall.json("POST", baseUrl + TABLE, headers(d), mapper.create(d).toString()));
        if (!made.isSuccess()) {
            return Step.failed(failure(made));
        }
        return ref(incidentId, VendorHttp.json(made).path("result"), made);
    }

    private Step ref(String incidentId, JsonNode record, HttpReply reply) {
        String sysId = record.path("sys_id").asText("");
        if (sysId.isBlank()) {
            // Created or found but unreadable: the next attempt finds the record by correlation_id.
            return Step.failed(new DeliveryResult.Retry("HTTP " + reply.status() + ": answer has no result.sys_id", null));
        }
        String number = record.path("number").asText("");
        String url = baseUrl + "/nav_to.do?uri=incident.do?sys_id=" + sysId;
        return new Step(new ExternalRef(incidentId, CONNECTOR, sysId, number.isBlank() ? null : number, null, url), null);
    }

    private Map<String, String> headers(Delivery d) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Authorization", authorization);
        h.put(EVENT_HEADER, d.event().type().wireName());
        return h;
    }

    private HttpReply send(HttpCall call) {
        return http.send(call);
    }

    /** Reasons are shown by the outbox API: never let the password or the auth header through. */
    private DeliveryResult failure(HttpReply reply) {
        return VendorHttp.scrub(FailureClassifier.classify(reply, ServiceNowErrors.reason(reply)), authorization, password);
    }


    @Override
    public String connector() {
        return CONNECTOR;
    }

    private record Step(ExternalRef ref, DeliveryResult failure) {
        static Step failed(DeliveryResult failure) {
            return new Step(null, failure);
        }
    }
}
