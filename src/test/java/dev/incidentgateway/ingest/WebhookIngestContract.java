package dev.incidentgateway.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.incidentgateway.testsupport.FeedMark;
import dev.incidentgateway.testsupport.HttpApi.Response;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Inbound webhooks over real HTTP, on each kind of store: Alertmanager/Grafana correlation lifecycle,
 * CloudEvents binary/structured/batch, the reply contract and authentication at the door. The gateway and the
 * helpers are {@link WebhookIngestGateway}'s.
 */
abstract class WebhookIngestContract extends WebhookIngestGateway {
    @Test
    void firingRepeatResolvedFiringAgainGivesTwoIncidents() {
        String fp = "fp" + UUID.randomUUID().toString().substring(0, 8);
        Response firing = postAlert(alertmanager("firing", fp, "2026-11-23T10:00:00Z", "0001-01-01T00:00:00Z"));
        assertThat(firing.status()).as(firing.toString()).isEqualTo(200);
        assertThat(firing.json().path("accepted")).hasSize(1);
        String eventId = firing.json().path("accepted").get(0).asText();
        JsonNode declare = http.get("/api/v1/events?limit=1000").json();
        String incident = null;
        for (JsonNode ce : declare) {
            if (ce.path("id").asText().equals(eventId)) {
                incident = ce.path("subject").asText();
                assertThat(ce.path("data").path("title").asText()).isEqualTo("HighLatency: p99 above 2s");
                // provenance is the route's: the CloudEvents extension names the webhook source that sent it
                assertThat(ce.path("principal").asText()).isEqualTo("webhook:alertmanager");
            }
        }
        assertThat(incident).isNotNull();
        JsonNode view = http.get("/api/v1/incidents/" + incident).json();
        assertThat(view.path("severity").asText()).isEqualTo("sev1");

        Response repeat = postAlert(alertmanager("firing", fp, "2026-11-23T10:00:00Z", "0001-01-01T00:00:00Z"));
        assertThat(repeat.status()).isEqualTo(200);
        assertThat(repeat.json().path("accepted")).isEmpty();
        assertThat(repeat.json().path("duplicates").get(0).asText()).isEqualTo(eventId);
        assertThat(timelineLength(incident)).isEqualTo(1);
        assertThat(http.get("/api/v1/incidents/" + incident).json().path("alertRepeats").asLong()).isEqualTo(1);

        Response resolved = postAlert(alertmanager("resolved", fp, "2026-11-23T10:00:00Z", "2026-11-23T10:20:00Z"));
        assertThat(resolved.json().path("accepted")).hasSize(1);
        assertThat(http.get("/api/v1/incidents/" + incident).json().path("status").asText()).isEqualTo("resolved");

        Response again = postAlert(alertmanager("firing", fp, "2026-11-23T11:00:00Z", "0001-01-01T00:00:00Z"));
        assertThat(again.json().path("accepted")).hasSize(1);
        assertThat(timelineLength(incident)).isEqualTo(2);
        JsonNode open = http.get("/api/v1/incidents?status=declared&limit=1000").json().path("incidents");
        long withThisTitle = 0;
        for (JsonNode i : open) {
            if (!i.path("id").asText().equals(incident) && i.path("title").asText().equals("HighLatency: p99 above 2s")) {
                withThisTitle++;
            }
        }
        assertThat(withThisTitle).isGreaterThanOrEqualTo(1);
    }

    /** Security review s35, finding 3: a write key's sev4 incident holding an alert's key no longer hides the critical alert. */
    @Test
    void aCriticalAlertEscalatesTheLowerIncidentThatClaimedItsKey() {
        String fp = "fp-db-down-" + UUID.randomUUID().toString().substring(0, 8);
        Response claimed = http.postJson("/api/v1/incidents", Map.of("title", "harmless test", "actor", "m", "severity", "sev4",
                "correlationKey", "alertmanager:" + fp));
        String incident = claimed.json().path("id").asText();
        String firing = alertmanager("firing", fp, "2026-12-03T12:50:00Z", "0001-01-01T00:00:00Z");

        Response r = postAlert(firing);
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.json().path("accepted")).isEmpty();
        assertThat(r.json().path("ignored").asInt()).as("the alert itself is correlated, as before").isEqualTo(1);
        assertThat(r.json().path("escalated")).hasSize(1);
        JsonNode view = http.get("/api/v1/incidents/" + incident).json();
        assertThat(view.path("severity").asText()).isEqualTo("sev1");
        assertThat(view.path("alertRepeats").asLong()).isEqualTo(1);
        assertThat(http.get("/api/v1/incidents?severity=sev1&limit=1000").json().path("incidents").findValuesAsText("id"))
                .contains(incident);
        JsonNode change = http.get("/api/v1/incidents/" + incident + "/timeline").json().path("events").get(1);
        assertThat(change.path("id").asText()).isEqualTo(r.json().path("escalated").get(0).asText());
        assertThat(change.path("type").asText()).isEqualTo("state_change");
        assertThat(change.path("principal").asText()).isEqualTo("webhook:alertmanager");
        assertThat(change.path("data").path("previousSeverity").asText()).isEqualTo("sev4");
        assertThat(change.path("data").path("reason").asText())
                .isEqualTo("correlated alert from /webhooks/alertmanager: HighLatency: p99 above 2s");
        assertThat(http.get("/api/v1/incidents/" + incident + "/verify").json().path("intact").asBoolean()).isTrue();

        Response redelivered = postAlert(firing); // the severity is now equal: counted, not escalated twice
        assertThat(redelivered.json().has("escalated")).as(redelivered.toString()).isFalse();
        assertThat(timelineLength(incident)).isEqualTo(2);
    }

    /** The same through the API and a CloudEvent: the answer says it was correlated, and adds the escalation. */
    @Test
    void aCorrelatedDeclareOfHigherSeverityEscalatesThroughTheApiAndCloudEvents() {
        String key = "acme:" + UUID.randomUUID();
        Map<String, String> declare = Map.of("title", "Checkout slow", "actor", "alice", "severity", "sev4", "correlationKey", key);
        String incident = http.postJson("/api/v1/incidents", declare).json().path("id").asText();

        Response higher = http.postJson("/api/v1/incidents", Map.of("title", "Checkout down", "actor", "bob", "severity", "sev2",
                "correlationKey", key));
        assertThat(higher.status()).as(higher.toString()).isEqualTo(200);
        assertThat(higher.json().path("id").asText()).isEqualTo(incident);
        assertThat(higher.json().path("correlated").asBoolean()).isTrue();
        assertThat(higher.json().path("event").isNull()).as("nothing declared").isTrue();
        assertThat(higher.json().path("severity").asText()).isEqualTo("sev2");
        JsonNode escalation = higher.json().path("escalation");
        assertThat(escalation.path("type").asText()).isEqualTo("state_change");
        assertThat(escalation.path("data").path("severity").asText()).isEqualTo("sev2");
        assertThat(escalation.path("data").path("reason").asText()).isEqualTo("correlated alert from /api/v1: Checkout down");
        Response equal = http.postJson("/api/v1/incidents", Map.of("title", "Checkout down", "actor", "bob", "severity", "sev2",
                "correlationKey", key));
        assertThat(equal.json().path("correlated").asBoolean()).isTrue();
        assertThat(equal.json().has("escalation")).as(equal.toString()).isFalse();

        String ce = """
                {"specversion":"1.0","id":"esc-%s","source":"urn:monitor","type":"com.example.incident.declare",
                 "data":{"title":"Checkout 500s","actor":"monitor","severity":"sev1","correlationKey":"%s"}}"""
                .formatted(UUID.randomUUID(), key);
        Response r = http.post("/webhooks/cloudevents", "application/cloudevents+json", ce, AUTH);
        assertThat(r.json().path("ignored").asInt()).as(r.toString()).isEqualTo(1);
        assertThat(r.json().path("escalated")).hasSize(1);
        JsonNode view = http.get("/api/v1/incidents/" + incident).json();
        assertThat(view.path("severity").asText()).isEqualTo("sev1");
        assertThat(view.path("alertRepeats").asLong()).isEqualTo(3);
        JsonNode events = http.get("/api/v1/incidents/" + incident + "/timeline").json().path("events");
        assertThat(events.get(2).path("principal").asText()).isEqualTo("webhook:cloudevents");
        assertThat(events.get(2).path("ceSource").asText()).isEqualTo("urn:monitor");
        assertThat(http.get("/api/v1/incidents/" + incident + "/verify").json().path("intact").asBoolean()).isTrue();
    }

    @Test
    void resolvedAlertWithoutAnOpenIncidentIsIgnored() {
        Response r = postAlert(alertmanager("resolved", "never-fired", "2026-11-23T10:00:00Z", "2026-11-23T10:20:00Z"));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().path("ignored").asInt()).isEqualTo(1);
        assertThat(r.json().path("accepted")).isEmpty();
    }

    @Test
    void webhooksRefuseMissingOrWrongTokensAndStoreNothing() {
        int before = FeedMark.requestEventCount(http);
        String body = alertmanager("firing", "auth-fp", "2026-11-23T10:00:00Z", "0001-01-01T00:00:00Z");
        Response none = http.post("/webhooks/alertmanager", "application/json", body);
        Response wrong = http.post("/webhooks/alertmanager", "application/json", body, "Authorization", "Bearer nope");
        for (Response r : new Response[]{none, wrong}) {
            assertThat(r.status()).as(r.toString()).isEqualTo(401);
            assertThat(r.contentType()).startsWith("application/problem+json");
            assertThat(r.body()).doesNotContain(TOKEN).doesNotContain("nope");
        }
        assertThat(FeedMark.requestEventCount(http)).isEqualTo(before);
    }

    @Test
    void malformedAndUnmappableBodiesAre400NamingTheField() {
        Response notJson = http.post("/webhooks/alertmanager", "application/json", "{oops", AUTH);
        assertThat(notJson.status()).isEqualTo(400);
        assertThat(notJson.json().path("field").asText()).isEqualTo("body");
        Response noFingerprint = http.post("/webhooks/alertmanager", "application/json",
                "{\"alerts\":[{\"status\":\"firing\",\"startsAt\":\"2026-11-23T10:00:00Z\"}]}", AUTH);
        assertThat(noFingerprint.status()).isEqualTo(400);
        assertThat(noFingerprint.json().path("field").asText()).isEqualTo("alerts[0].fingerprint");
        assertThat(http.post("/webhooks/alertmanager", "text/plain", "hi", AUTH).status()).isEqualTo(415);
        assertThat(http.post("/webhooks/nosuchsource", "application/json", "{}", AUTH).status()).isEqualTo(404);
    }

    @Test
    void cloudEventsInBinaryAndStructuredModeAndRedeliveryIsANoOp() {
        String id = "CE-" + (System.nanoTime() % 1_000_000);
        Response binary = http.post("/webhooks/cloudevents", "application/json",
                "{\"title\":\"Disk full\",\"severity\":\"sev2\",\"actor\":\"monitor\"}",
                "Authorization", "Bearer " + TOKEN, "ce-specversion", "1.0", "ce-id", "evt-" + id,
                "ce-source", "urn:monitor", "ce-type", "com.example.incident.declare", "ce-subject", id);
        assertThat(binary.status()).as(binary.toString()).isEqualTo(200);
        assertThat(binary.json().path("accepted")).hasSize(1);
        JsonNode view = http.get("/api/v1/incidents/" + id).json();
        assertThat(view.path("title").asText()).isEqualTo("Disk full");
        assertThat(view.path("severity").asText()).isEqualTo("sev2");

        String structured = """
                {"specversion":"1.0","id":"ack-%s","source":"urn:monitor","type":"com.example.incident.ack",
                 "subject":"%s","datacontenttype":"application/json","data":{"actor":"bob"}}""".formatted(id, id);
        Response ack = http.post("/webhooks/cloudevents", "application/cloudevents+json", structured, AUTH);
        assertThat(ack.json().path("accepted")).hasSize(1);
        Response again = http.post("/webhooks/cloudevents", "application/cloudevents+json", structured, AUTH);
        assertThat(again.json().path("duplicates")).hasSize(1);
        assertThat(timelineLength(id)).isEqualTo(2);
        JsonNode events = http.get("/api/v1/incidents/" + id + "/timeline").json().path("events");
        assertThat(events.get(1).path("ceId").asText()).isEqualTo("ack-" + id);
        assertThat(events.get(1).path("ceSource").asText()).isEqualTo("urn:monitor");

        // Binary mode without data: no body and no Content-Type (the HTTP binding's event without data).
        Response noData = http.post("/webhooks/cloudevents", null, java.net.http.HttpRequest.BodyPublishers.noBody(),
                "Authorization", "Bearer " + TOKEN, "ce-specversion", "1.0", "ce-id", "res-" + id, "ce-source", "urn:monitor",
                "ce-type", "com.example.incident.resolve", "ce-subject", id, "ce-actor", "carol");
        assertThat(noData.status()).as(noData.toString()).isEqualTo(200);
        assertThat(noData.json().path("accepted")).hasSize(1);
        assertThat(http.get("/api/v1/incidents/" + id).json().path("status").asText()).isEqualTo("resolved");
        assertThat(http.get("/api/v1/incidents/" + id + "/timeline").json().path("events").get(2).path("actor").asText())
                .isEqualTo("carol");
    }

    @Test
    void aBatchIsAllOrNothing() {
        String id = "CB-" + (System.nanoTime() % 1_000_000);
        String refused = """
                [{"specversion":"1.0","id":"b1-%1$s","source":"urn:b","type":"x.incident.declare","subject":"%1$s",
                  "data":{"title":"Batch","actor":"a"}},
                 {"specversion":"1.0","id":"b2-%1$s","source":"urn:b","type":"x.incident.close","subject":"%1$s","data":{"actor":"a"}}]
                """.formatted(id);
        Response r = http.post("/webhooks/cloudevents", "application/cloudevents-batch+json", refused, AUTH);
        assertThat(r.status()).as(r.toString()).isEqualTo(409);
        // The refused item is named as a validation error names it ([1].data.title): the second item's type.
        assertThat(r.json().path("field").asText()).as(r.toString()).isEqualTo("[1].type");
        assertThat(r.json().path("type").asText()).isEqualTo("urn:incident-gateway:problem:transition-refused");
        assertThat(r.json().path("attemptedType").asText()).isEqualTo("close");
        assertThat(http.get("/api/v1/incidents/" + id).status()).isEqualTo(404);

        String ok = refused.replace("x.incident.close", "x.incident.ack");
        Response accepted = http.post("/webhooks/cloudevents", "application/cloudevents-batch+json", ok, AUTH);
        assertThat(accepted.json().path("accepted")).hasSize(2);
        assertThat(http.get("/api/v1/incidents/" + id).json().path("status").asText()).isEqualTo("acknowledged");

        // One structured CloudEvent is not an item: its refusal names "type", as before.
        Response single = http.post("/webhooks/cloudevents", "application/cloudevents+json", """
                {"specversion":"1.0","id":"b3-%1$s","source":"urn:b","type":"x.incident.close","subject":"%1$s","data":{"actor":"a"}}"""
                .formatted(id), AUTH);
        assertThat(single.status()).as(single.toString()).isEqualTo(409);
        assertThat(single.json().path("field").asText()).isEqualTo("type");

        // A declare of an incident that exists: the sender's attribute is the subject (a CloudEvent's id is the event's).
        Response taken = http.post("/webhooks/cloudevents", "application/cloudevents-batch+json", """
                [{"specversion":"1.0","id":"b4-%1$s","source":"urn:b","type":"x.incident.declare","subject":"%1$s",
                  "data":{"title":"Again","actor":"a"}}]""".formatted(id), AUTH);
        assertThat(taken.status()).as(taken.toString()).isEqualTo(409);
        assertThat(taken.json().path("field").asText()).isEqualTo("[0].subject");
    }

    @Test
    void aCloudEventThatIsNotAnIncidentEventIs422() {
        String ce = """
                {"specversion":"1.0","id":"x1","source":"urn:x","type":"com.example.order.created","data":{}}""";
        Response r = http.post("/webhooks/cloudevents", "application/cloudevents+json", ce, AUTH);
        assertThat(r.status()).isEqualTo(422);
        assertThat(r.json().path("field").asText()).isEqualTo("type");
    }
}
