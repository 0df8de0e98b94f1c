package dev.incidentgateway.connectors.servicenow;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.incidentgateway.testsupport.GatewayFixture;
import dev.incidentgateway.testsupport.HttpApi;
import dev.incidentgateway.testsupport.TestStore;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static dev.incidentgateway.testsupport.HttpApi.obj;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The whole loop through a real gateway: a responder opens an incident in ServiceNow, the poller declares it,
 * an ack through the API goes back out to that same ServiceNow record (no second record), and the gateway's
 * own update does not come back in as a new event.
 */
class ServiceNowRoundTripIT {

    @Test
    void anIncidentOpenedInServiceNowIsDeclaredAndUpdatesGoBackToTheSameRecord() throws Exception {
        try (FakeServiceNow fake = new FakeServiceNow()) {
            Map<String, String> env = new HashMap<>(fake.env());
            env.put("SERVICENOW_POLL_INTERVAL", "1");
            env.put("GATEWAY_OUTBOX_BACKOFF_MS", "50");
            env.put("GATEWAY_OUTBOX_POLL_MS", "50");
            try (GatewayFixture fixture = GatewayFixture.start(TestStore.Kind.H2, env)) {
                HttpApi http = fixture.http();
                ObjectNode fields = JsonNodeFactory.instance.objectNode().put("short_description", "Disk full on db-1")
                        .put("description", "/var at 100%").put("urgency", "1").put("impact", "1").put("state", "1");
                ObjectNode record = fake.createAs("alice", fields);
                String sysId = record.path("sys_id").asText();
                String incidentId = "SN-" + record.path("number").asText().replaceAll("\\D", "");

                await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                        assertThat(http.get("/api/v1/incidents/" + incidentId).status()).isEqualTo(200));
                assertThat(http.get("/api/v1/incidents/" + incidentId).json().path("title").asText()).isEqualTo("Disk full on db-1");

                assertThat(http.postJson("/api/v1/incidents/" + incidentId + "/events", obj("type", "ack", "actor", "bob")).status())
                        .isEqualTo(201);
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                        assertThat(fake.recordBySysId(sysId).path("state").asText()).isEqualTo("2"));
                assertThat(fake.ticketCount(incidentId)).as("the sink updated alice's record, it did not create one").isZero();

                // Proof the poller read past the gateway's own update: alice's later work note arrives. Only then is
                // "the gateway's own update did not come back as an event" a check that can fail.
                fake.updateAs("alice", sysId, JsonNodeFactory.instance.objectNode().put("work_notes", "after the gateway's ack"));
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(types(http, incidentId)).contains("note"));
                assertThat(types(http, incidentId))
                        .as("declare, the API's ack, alice's note: no echo of the gateway's own update")
                        .containsExactly("declare", "ack", "note");
            }
        }
    }

    @Test
    void refusedCredentialsTurnHealthDownNamingThePoller() throws Exception {
        try (FakeServiceNow fake = new FakeServiceNow()) {
            Map<String, String> env = new HashMap<>(fake.env());
            env.put("SERVICENOW_PASSWORD", "not-the-password");
            env.put("SERVICENOW_POLL_INTERVAL", "1");
            try (GatewayFixture fixture = GatewayFixture.start(TestStore.Kind.H2, env)) {
                HttpApi http = fixture.http();
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                    HttpApi.Response health = http.get("/health");
                    assertThat(health.status()).isEqualTo(503);
                    assertThat(health.json().path("checks").path("poller-servicenow").path("status").asText()).isEqualTo("DOWN");
                    assertThat(health.json().path("checks").path("store").path("status").asText()).isEqualTo("UP");
                    assertThat(health.body()).doesNotContain("not-the-password");
                });
                // Readiness leaves the poller out: the instance keeps serving webhooks and the API (anonymous, as a probe asks).
                java.net.http.HttpResponse<String> ready = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest
                        .newBuilder(java.net.URI.create("http://127.0.0.1:" + fixture.gateway().port() + "/health/ready")).GET().build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
                assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
                assertThat(ready.body()).isEqualTo("{\"status\":\"UP\"}");
            }
        }
    }

    private static java.util.List<String> types(HttpApi http, String incidentId) {
        java.util.List<String> types = new java.util.ArrayList<>();
        http.get("/api/v1/incidents/" + incidentId + "/timeline").json().path("events").forEach(e -> types.add(e.path("type").asText()));
        return types;
    }
}
