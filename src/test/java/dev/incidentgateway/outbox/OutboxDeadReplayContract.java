package dev.incidentgateway.outbox;

import com.fasterxml.jackson.databind.JsonNode;
import dev.incidentgateway.testsupport.HttpApi;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.incidentgateway.testsupport.HttpApi.obj;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code POST /api/v1/outbox/replay}: a revoked Slack token ({@code invalid_auth}) kills every incident's thread root and
 * holds its later events back; once the token is fixed, one call per filter sends them all again, each incident in
 * order, and leaves the dead rows of other connectors alone. Bad filters are refused naming the parameter (its scope,
 * operate like the single replay's, is checked by RouteAccessPolicyTest and the AuthMatrix ITs).
 */
abstract class OutboxDeadReplayContract extends VendorGatewayContract {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void oneCallReplaysEveryMatchingDeadDeliveryInOrder() {
        String p = "DR" + kind().ordinal();
        List<String> ids = List.of(p + "-1", p + "-2", p + "-3");
        Instant before = Instant.now();
        slack.misconfigure("invalid_auth");
        ids.forEach(id -> {
            declare(id);
            note(id);
        });
        await().atMost(WAIT).until(() -> dead("slack", null).size() == 3);
        slack.repair(); // the token is fixed: what died stays dead until replayed
        // A dead ServiceNow delivery of another incident: a Slack replay must not touch it. The failure is armed
        // only once ServiceNow has every earlier incident's note, or one of those deliveries would take it.
        ids.forEach(id -> await().atMost(WAIT).until(() -> serviceNow.receivedFor(id).contains("note")));
        String other = p + "-9";
        declare(other);
        await().atMost(WAIT).until(() -> serviceNow.receivedFor(other).contains("declare"));
        serviceNow.failNext(1, 400, Map.of(), "{\"error\":{\"message\":\"Invalid state\",\"detail\":\"Data policy\"},\"status\":\"failure\"}");
        note(other);
        await().atMost(WAIT).until(() -> dead("servicenow", other).size() == 1);
        ids.forEach(id -> assertThat(slack.receivedFor(id)).as("held back").isEmpty());

        long firstDead = dead("slack", ids.get(0)).get(0).path("id").asLong();
        JsonNode one = replay("connector=slack&incident=" + ids.get(0));
        assertThat(one.path("replayed").asInt()).as(one.toString()).isEqualTo(1);
        assertThat(one.path("ids")).hasSize(1);
        assertThat(one.path("ids").get(0).asLong()).isEqualTo(firstDead);
        awaitReceived(ids.get(0));
        assertThat(slack.receivedFor(ids.get(1))).as("another incident stays dead").isEmpty();

        JsonNode rest = replay("connector=slack&deadReason=INVALID_AUTH&since=" + before + "&until=" + Instant.now().plusSeconds(60));
        assertThat(rest.path("connector").asText()).isEqualTo("slack");
        assertThat(rest.path("replayed").asInt()).as(rest.toString()).isEqualTo(2);
        assertThat(rest.path("ids")).hasSize(2);
        ids.forEach(this::awaitReceived);
        ids.forEach(id -> assertThat(slack.ticketCount(id)).isEqualTo(1));
        assertThat(dead("servicenow", other)).as("other connectors' dead rows are left alone").hasSize(1);
        assertThat(replay("connector=slack").path("replayed").asInt()).as("nothing dead is left").isZero();
    }

    @Test
    void aBadFilterIsRefusedNamingTheParameterAndNothingIsReplayed() {
        String id = "DRF" + kind().ordinal() + "-1";
        slack.misconfigure("token_revoked");
        try {
            declare(id);
            await().atMost(WAIT).until(() -> dead("slack", id).size() == 1);
        } finally {
            slack.repair();
        }
        Map<String, String> refused = Map.of(
                "", "connector",
                "incident=" + id, "connector",
                "connector=slakc", "connector",
                "connector=slack&incidentId=" + id, "incidentId",
                "connector=slack&incident=not-an-id", "incident",
                "connector=slack&since=yesterday", "since",
                "connector=slack&since=-1000000000-01-01T00:00:00Z", "since", // no store holds it: was a 500
                "connector=slack&since=2026-12-03T02:00:00Z&until=2026-12-03T01:00:00Z", "until",
                "connector=slack&connector=jira", "connector");
        refused.forEach((query, field) -> {
            HttpApi.Response r = http.post("/api/v1/outbox/replay?" + query, "application/json", "{}");
            assertThat(r.status()).as(query + ": " + r).isEqualTo(400);
            assertThat(r.contentType()).startsWith("application/problem+json");
            assertThat(r.json().path("field").asText()).as(query).isEqualTo(field);
        });
        assertThat(dead("slack", id)).as("still dead").hasSize(1);
        assertThat(replay("connector=slack&incident=" + id).path("replayed").asInt()).isEqualTo(1);
        await().atMost(WAIT).until(() -> slack.receivedFor(id).contains("declare"));
    }

    private JsonNode replay(String query) {
        HttpApi.Response r = http.post("/api/v1/outbox/replay?" + query, "application/json", "{}");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.json();
    }

    private List<JsonNode> dead(String connector, String incident) {
        List<JsonNode> out = new ArrayList<>();
        http.get("/api/v1/outbox?status=dead&limit=1000&connector=" + connector).json().path("items").forEach(row -> {
            if (incident == null || row.path("incidentId").asText().equals(incident)) {
                out.add(row);
            }
        });
        return out;
    }

    private void awaitReceived(String id) {
        await().atMost(WAIT).untilAsserted(() -> assertThat(slack.receivedFor(id)).as(id).containsExactly("declare", "note"));
    }

    private void declare(String id) {
        HttpApi.Response r = http.postJson("/api/v1/incidents", obj("id", id, "title", "Storm " + id, "actor", "alertmanager",
                "severity", "sev1"));
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
    }

    private void note(String id) {
        HttpApi.Response r = http.postJson("/api/v1/incidents/" + id + "/events", obj("type", "note", "actor", "bob", "content", "still down"));
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
    }
}
