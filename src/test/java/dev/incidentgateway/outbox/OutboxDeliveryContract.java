package dev.incidentgateway.outbox;

import com.fasterxml.jackson.databind.JsonNode;
import dev.incidentgateway.testsupport.ContractFake;
import dev.incidentgateway.testsupport.HttpApi;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.incidentgateway.testsupport.HttpApi.obj;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The outbox end to end: a real gateway delivering to the stateful ServiceNow, Jira and Slack fakes.
 * Happy path, 429 with Retry-After, transient 500s, a permanent 400 → dead → replay, and 100 incidents ×
 * 5 events with concurrency 8 arriving in order, exactly once, at every target.
 */
abstract class OutboxDeliveryContract extends VendorGatewayContract {
    private static final AtomicInteger IDS = new AtomicInteger();
    private static final Duration WAIT = Duration.ofSeconds(60);

    String declare() {
        String id = "OB-" + IDS.incrementAndGet();
        HttpApi.Response r = http.postJson("/api/v1/incidents", obj("id", id, "title", "Checkout failing " + id, "actor", "alice",
                "severity", "sev1", "content", "500s on /pay"));
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return id;
    }

    void event(String id, String type) {
        HttpApi.Response r = http.postJson("/api/v1/incidents/" + id + "/events", obj("type", type, "actor", "bob", "content", type + " by bob"));
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
    }

    void awaitReceived(ContractFake fake, String id, List<String> expected) {
        await().atMost(WAIT).pollInterval(Duration.ofMillis(50)).untilAsserted(() ->
                assertThat(fake.receivedFor(id)).as(fake.getClass().getSimpleName() + " " + id).containsExactlyElementsOf(expected));
    }

    JsonNode outbox(String query) {
        return http.get("/api/v1/outbox?" + query).json().path("items");
    }

    @Test
    void aCallerCannotSuppressDeliveryByClaimingAConnectorAsSource() {
        // Loop prevention keys on the server-set principal: "source": "slack" in a REST body changes nothing.
        String id = "OB-" + IDS.incrementAndGet();
        HttpApi.Response r = http.postJson("/api/v1/incidents", obj("id", id, "title", "Spoofed " + id, "actor", "mallory",
                "severity", "sev1", "source", "slack"));
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        HttpApi.Response note = http.postJson("/api/v1/incidents/" + id + "/events", obj("type", "note", "actor", "mallory",
                "content", "hi", "source", "/webhooks/slack"));
        assertThat(note.status()).as(note.toString()).isEqualTo(201);
        awaitReceived(slack, id, List.of("declare", "note"));
    }

    @Test
    void eachTargetGetsTheIncidentAndItsUpdatesInOrder() {
        String id = declare();
        event(id, "ack");
        event(id, "note");
        event(id, "resolve");
        for (ContractFake fake : fakes) {
            awaitReceived(fake, id, List.of("declare", "ack", "note", "resolve"));
            assertThat(fake.ticketCount(id)).isEqualTo(1);
        }
        await().atMost(WAIT).untilAsserted(() -> assertThat(outbox("status=delivered&limit=1000")).anySatisfy(
                row -> assertThat(row.path("incidentId").asText()).isEqualTo(id)));
    }

    @Test
    void rateLimitedCallsWaitForRetryAfter() {
        slack.failNext(1, 429, Map.of("Retry-After", "1"), "{\"ok\":false,\"error\":\"ratelimited\"}");
        long start = System.nanoTime();
        String id = declare();
        awaitReceived(slack, id, List.of("declare"));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(900));
        assertThat(slack.ticketCount(id)).isEqualTo(1);
    }

    @Test
    void threeServerErrorsThenSuccess() {
        jira.failNext(3, 500, Map.of(), "{\"errorMessages\":[\"Internal server error\"],\"errors\":{}}");
        String id = declare();
        awaitReceived(jira, id, List.of("declare"));
        assertThat(jira.ticketCount(id)).isEqualTo(1);
        // The three 500s were served to this declare (each attempt first searches for an issue already made for the
        // incident, so they fell on its search), and the fourth attempt searched again and created the issue once.
        assertThat(jira.requests()).filteredOn(r -> r.uri().startsWith("/rest/api/3/search/jql") && r.uri().contains(id))
                .as("this declare's searches: three answered 500, then one answered").hasSize(4);
        assertThat(jira.requests()).filteredOn(r -> r.method().equals("POST") && r.uri().equals("/rest/api/3/issue")
                && r.body().contains(id)).as("one create call").hasSize(1);
        await().atMost(WAIT).untilAsserted(() -> assertThat(outbox("connector=jira&status=delivered&limit=1000")).anySatisfy(row -> {
            assertThat(row.path("incidentId").asText()).isEqualTo(id);
            assertThat(row.path("eventSeq").asLong()).isEqualTo(1);
            assertThat(row.path("attempts").asInt()).as("three failed attempts and the one that delivered").isEqualTo(4);
        }));
    }

    @Test
    void aPermanentErrorDeadLettersHoldsBackAndReplayDeliversInOrder() {
        String id = declare();
        awaitReceived(serviceNow, id, List.of("declare"));
        serviceNow.failNext(1, 400, Map.of(), "{\"error\":{\"message\":\"Invalid state\",\"detail\":\"Data policy\"},\"status\":\"failure\"}");
        event(id, "ack");
        event(id, "note");
        await().atMost(WAIT).untilAsserted(() -> assertThat(outbox("connector=servicenow&status=dead")).anySatisfy(row -> {
            assertThat(row.path("incidentId").asText()).isEqualTo(id);
            assertThat(row.path("lastError").asText()).contains("Invalid state");
        }));
        long deadId = -1;
        for (JsonNode row : outbox("connector=servicenow&status=dead")) {
            if (row.path("incidentId").asText().equals(id)) {
                deadId = row.path("id").asLong();
            }
        }
        assertThat(serviceNow.receivedFor(id)).containsExactly("declare"); // the note waits behind the dead ack
        HttpApi.Response replay = http.post("/api/v1/outbox/" + deadId + "/replay", "application/json", "{}");
        assertThat(replay.status()).as(replay.toString()).isEqualTo(200);
        awaitReceived(serviceNow, id, List.of("declare", "ack", "note"));
        assertThat(http.post("/api/v1/outbox/" + deadId + "/replay", "application/json", "{}").status()).isEqualTo(409);
        assertThat(http.post("/api/v1/outbox/999999999/skip", "application/json", "{}").status()).isEqualTo(404);
    }

    @Test
    void hundredIncidentsTimesFiveEventsArriveInOrderExactlyOnce() {
        List<String> expected = List.of("declare", "ack", "note", "mitigate", "resolve");
        List<String> ids = new java.util.ArrayList<>();
        for (int i = 0; i < 100; i++) {
            String id = declare();
            ids.add(id);
            expected.subList(1, expected.size()).forEach(t -> event(id, t));
        }
        for (ContractFake fake : fakes) {
            // Jira's workflow has one "In Progress" for ack and mitigate: the mitigate finds the issue there already.
            List<String> seen = fake == jira ? List.of("declare", "ack", "note", "resolve") : expected;
            for (String id : ids) {
                awaitReceived(fake, id, seen);
                assertThat(fake.ticketCount(id)).isEqualTo(1);
            }
        }
    }
}
