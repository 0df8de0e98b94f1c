package dev.incidentgateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.incidentgateway.testsupport.GatewayFixture;
import dev.incidentgateway.testsupport.HttpApi;
import dev.incidentgateway.testsupport.HttpApi.Response;
import dev.incidentgateway.testsupport.TestStore;
import dev.incidentgateway.timeline.ChainVerifier;
import dev.incidentgateway.timeline.Incident;
import dev.incidentgateway.timeline.ViewRebuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.incidentgateway.testsupport.HttpApi.obj;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A change of severity through the REST API and a CloudEvents webhook, on each kind of store (H2 and PostgreSQL
 * subclasses): {@code state_change} with {@code data.severity} moves the incident's severity (view, list, timeline),
 * alone or with {@code data.to}; the same severity, a closed incident and a change without {@code data.to} or
 * {@code data.severity} are refused and store nothing; the views rebuilt from the log are the same and the chain verifies.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SeverityChangeContract {
    private static final String TOKEN = "sev-token-" + UUID.randomUUID();
    private static final String[] AUTH = {"Authorization", "Bearer " + TOKEN};
    private final AtomicInteger ids = new AtomicInteger();

    GatewayFixture fixture;
    HttpApi http;

    abstract TestStore.Kind kind();

    @BeforeAll
    void startGateway() throws Exception {
        fixture = GatewayFixture.start(kind(), Map.of("GATEWAY_WEBHOOK_TOKEN", TOKEN)); // null without the store
        http = fixture == null ? null : fixture.http();
    }

    /** Per test: an assumption failing in @BeforeAll would show as "Tests run: 0", hiding that nothing ran. */
    @BeforeEach
    void requireStore() {
        GatewayFixture.assumeStore(kind());
    }

    @AfterAll
    void stopGateway() {
        if (fixture != null) {
            fixture.close();
        }
    }

    private String declare(String severity) {
        String id = "SEV-" + ids.incrementAndGet();
        Response r = http.postJson("/api/v1/incidents", obj("id", id, "title", "Checkout slow", "actor", "alice", "severity", severity));
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return id;
    }

    private Response change(String id, Object data) {
        return http.postJson("/api/v1/incidents/" + id + "/events", obj("type", "state_change", "actor", "carol", "data", data));
    }

    private JsonNode view(String id) {
        return http.get("/api/v1/incidents/" + id).json();
    }

    private JsonNode listed(String id) {
        for (JsonNode i : http.get("/api/v1/incidents?limit=1000").json().path("incidents")) {
            if (i.path("id").asText().equals(id)) {
                return i;
            }
        }
        throw new AssertionError(id + " not in the list");
    }

    @Test
    void aStateChangeWithDataSeverityEscalatesTheIncident() {
        String id = declare("sev3");
        Response r = change(id, obj("severity", "sev1", "reason", "customer impact"));
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        JsonNode event = r.json();
        assertThat(event.path("type").asText()).isEqualTo("state_change");
        assertThat(event.path("ceType").asText()).endsWith(".incident.state_change");
        assertThat(event.path("data").path("severity").asText()).isEqualTo("sev1");
        assertThat(event.path("data").path("previousSeverity").asText()).as("recorded by the store").isEqualTo("sev3");
        assertThat(event.path("data").path("reason").asText()).isEqualTo("customer impact");

        JsonNode view = view(id);
        assertThat(view.path("severity").asText()).isEqualTo("sev1");
        assertThat(view.path("status").asText()).as("data.to absent: the status stays").isEqualTo("declared");
        assertThat(view.path("lastSeq").asLong()).isEqualTo(2);
        assertThat(view.path("allowedEvents").toString()).contains("state_change");
        assertThat(listed(id).path("severity").asText()).isEqualTo("sev1");

        Response lowered = change(id, obj("severity", "sev4"));
        assertThat(lowered.status()).as(lowered.toString()).isEqualTo(201);
        assertThat(lowered.json().path("data").path("previousSeverity").asText()).isEqualTo("sev1");
        assertThat(view(id).path("severity").asText()).isEqualTo("sev4");
    }

    @Test
    void statusAndSeverityTogetherAndEachRefusalStoresNothing() {
        String id = declare("sev3");
        Response both = change(id, obj("to", "acknowledged", "severity", "sev2", "reason", "paging the db team"));
        assertThat(both.status()).as(both.toString()).isEqualTo(201);
        assertThat(view(id).path("status").asText()).isEqualTo("acknowledged");
        assertThat(view(id).path("severity").asText()).isEqualTo("sev2");

        JsonNode same = problem(change(id, obj("severity", "sev2")), 409, null);
        assertThat(same.path("currentStatus").asText()).isEqualTo("acknowledged");
        assertThat(same.path("attemptedType").asText()).isEqualTo("state_change");
        assertThat(same.path("detail").asText()).contains("already sev2");
        problem(change(id, obj("to", "resolved", "severity", "sev2")), 409, null); // one refused part refuses the event
        problem(change(id, obj("reason", "r")), 400, "data");
        problem(http.postJson("/api/v1/incidents/" + id + "/events", obj("type", "state_change", "actor", "carol")), 400, "data");
        problem(change(id, obj("severity", "critical")), 400, "data.severity");
        problem(change(id, obj("severity", "")), 400, "data.severity");
        JsonNode topLevel = problem(http.postJson("/api/v1/incidents/" + id + "/events",
                obj("type", "state_change", "actor", "carol", "severity", "sev1")), 400, "severity");
        assertThat(topLevel.path("detail").asText()).contains("data").contains("severity");
        assertThat(view(id).path("lastSeq").asLong()).as("nothing stored by a refusal").isEqualTo(2);
        assertThat(view(id).path("severity").asText()).isEqualTo("sev2");

        for (String type : List.of("resolve", "close")) {
            assertThat(http.postJson("/api/v1/incidents/" + id + "/events", obj("type", type, "actor", "carol")).status())
                    .isEqualTo(201);
        }
        JsonNode closed = problem(change(id, obj("severity", "sev1")), 409, null);
        assertThat(closed.path("currentStatus").asText()).isEqualTo("closed");
        assertThat(view(id).path("severity").asText()).isEqualTo("sev2");
        assertThat(view(id).path("lastSeq").asLong()).isEqualTo(4);
    }

    @Test
    void aCloudEventsWebhookGetsTheSameAnswers() {
        String id = "SEV-" + ids.incrementAndGet();
        String batch = """
                [{"specversion":"1.0","id":"d-%1$s","source":"urn:mon","type":"x.incident.declare","subject":"%1$s",
                  "data":{"title":"Batch","actor":"mon","severity":"sev4"}},
                 {"specversion":"1.0","id":"s-%1$s","source":"urn:mon","type":"x.incident.state_change","subject":"%1$s",
                  "data":{"actor":"mon","data":{"severity":"sev2","reason":"error rate"}}}]""".formatted(id);
        Response r = http.post("/webhooks/cloudevents", "application/cloudevents-batch+json", batch, AUTH);
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(view(id).path("severity").asText()).isEqualTo("sev2");

        String empty = """
                {"specversion":"1.0","id":"e-%1$s","source":"urn:mon","type":"x.incident.state_change","subject":"%1$s",
                 "data":{"actor":"mon","data":{"reason":"r"}}}""".formatted(id);
        JsonNode p = problem(http.post("/webhooks/cloudevents", "application/cloudevents+json", empty, AUTH), 400, "data.data");
        assertThat(p.path("detail").asText()).startsWith("data.data of a state_change must have to");
        String same = empty.replace("\"reason\":\"r\"", "\"severity\":\"sev2\"").replace("e-" + id, "f-" + id);
        problem(http.post("/webhooks/cloudevents", "application/cloudevents+json", same, AUTH), 409, null);
        assertThat(view(id).path("lastSeq").asLong()).isEqualTo(2);
    }

    @Test
    void theViewsRebuiltFromTheLogAreTheSameAndTheChainVerifies() throws Exception {
        String id = declare("sev3");
        assertThat(change(id, obj("severity", "sev1")).status()).isEqualTo(201);
        assertThat(change(id, obj("to", "resolved", "severity", "sev2")).status()).isEqualTo(201);
        var store = fixture.gateway().store();
        Incident incremental = store.incident(id).orElseThrow();
        ViewRebuilder rebuilder = new ViewRebuilder(store.dataSource(), store.dialect());
        assertThat(rebuilder.computeViews().get(id)).isEqualTo(incremental);
        rebuilder.rebuild();
        assertThat(store.incident(id).orElseThrow()).isEqualTo(incremental);
        assertThat(view(id).path("severity").asText()).isEqualTo("sev2");
        ChainVerifier.Report report = store.verifier().verify(id);
        assertThat(report.intact()).as(report.toString()).isTrue();
        assertThat(http.get("/api/v1/incidents/" + id + "/verify").json().path("intact").asBoolean()).isTrue();
    }

    private static JsonNode problem(Response r, int status, String field) {
        assertThat(r.status()).as(r.toString()).isEqualTo(status);
        assertThat(r.contentType()).startsWith("application/problem+json");
        if (field != null) {
            assertThat(r.json().path("field").asText()).as(r.toString()).isEqualTo(field);
        }
        return r.json();
    }
}
