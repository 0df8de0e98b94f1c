package dev.incidentgateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.incidentgateway.testsupport.HttpApi;
import dev.incidentgateway.testsupport.HttpApi.Response;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static dev.incidentgateway.testsupport.HttpApi.obj;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Declaring an incident and appending an event over HTTP, on each kind of store (H2 and PostgreSQL subclasses): the
 * 201 answers (Location, incident view, stored event, every field), generated INC-n ids and sev3 defaults, and the
 * answer's data being the stored data byte for byte.
 */
abstract class IncidentApiDeclareAppendContract extends IncidentApiHarness {
    private static final String ULID = "[0-9A-HJKMNP-TV-Z]{26}";

    // ---------------------------------------------------------------- declare

    @Test
    void declareAnswers201WithLocationTheIncidentViewAndTheStoredEvent() {
        String id = newId("DCL");
        Response r = http.post("/api/v1/incidents", "application/json; charset=utf-8", HttpApi.toJson(obj("id", id,
                "title", "Checkout failing", "actor", "alice", "severity", "sev2", "content", "500s on /pay",
                "source", "https://alerts.example/checkout")));

        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        assertThat(r.header("Location")).contains("/api/v1/incidents/" + id);
        assertThat(r.contentType()).startsWith("application/json");
        JsonNode body = r.json();
        Set<String> expected = new TreeSet<>(INCIDENT_FIELDS);
        expected.add("event");
        assertThat(fieldNames(body)).isEqualTo(expected);
        assertThat(body.path("id").asText()).isEqualTo(id);
        assertThat(body.path("title").asText()).isEqualTo("Checkout failing");
        assertThat(body.path("severity").asText()).isEqualTo("sev2");
        assertThat(body.path("status").asText()).isEqualTo("declared");
        assertThat(body.path("commander").isNull()).isTrue();
        assertThat(Instant.parse(body.path("declaredAt").asText())).isNotNull();
        for (String f : List.of("acknowledgedAt", "mitigatedAt", "resolvedAt", "closedAt")) {
            assertThat(body.path(f).isNull()).as(f).isTrue();
        }
        assertThat(body.path("lastSeq").asLong()).isEqualTo(1);

        JsonNode event = body.path("event");
        assertThat(fieldNames(event)).isEqualTo(new TreeSet<>(EVENT_FIELDS));
        assertThat(event.path("id").asText()).matches(ULID).isEqualTo(body.path("lastEventId").asText());
        assertThat(event.path("incidentId").asText()).isEqualTo(id);
        assertThat(event.path("seq").asLong()).isEqualTo(1);
        assertThat(event.path("type").asText()).isEqualTo("declare");
        assertThat(event.path("actor").asText()).isEqualTo("alice");
        assertThat(event.path("title").asText()).isEqualTo("Checkout failing");
        assertThat(event.path("content").asText()).isEqualTo("500s on /pay");
        // The body's "source" is ignored: provenance is the server's (the principal), the REST source is fixed.
        assertThat(event.path("source").asText()).isEqualTo("/api/v1");
        assertThat(event.path("principal").asText()).isNotBlank();
        assertThat(event.path("ceType").asText()).isEqualTo("dev.incidentgateway.incident.declare");
        assertThat(event.path("data").isObject()).isTrue();
        assertThat(event.path("prevHash").asText()).matches("[0-9a-f]{64}");
        assertThat(event.path("hash").asText()).matches("[0-9a-f]{64}");
        assertThat(Instant.parse(event.path("eventTime").asText())).isEqualTo(Instant.parse(body.path("declaredAt").asText()));

        ObjectNode fetched = incident(id).deepCopy();
        assertThat(list(fetched.remove("allowedEvents"))).as("what a declared incident accepts now (IncidentStateMachine)")
                .map(JsonNode::asText).containsExactlyInAnyOrder("ack", "mitigate", "resolve", "note", "role_assign", "state_change");
        JsonNode refs = fetched.remove("externalRefs"); // the tickets connectors made: none here (no sink is on)
        assertThat(refs.isArray() && refs.isEmpty()).as(String.valueOf(refs)).isTrue();
        ObjectNode withoutEvent = body.deepCopy();
        withoutEvent.remove("event");
        assertThat(fetched).isEqualTo(withoutEvent);
        assertThat(timeline(id)).containsExactly(event);
    }

    @Test
    void declareWithoutIdOrSeverityGetsIncNFromTheSequenceAndSev3() {
        Response first = http.postJson("/api/v1/incidents", obj("title", "Generated one", "actor", "alice"));
        Response second = http.postJson("/api/v1/incidents", obj("title", "Generated two", "actor", "alice"));
        assertThat(first.status()).as(first.toString()).isEqualTo(201);
        assertThat(second.status()).as(second.toString()).isEqualTo(201);
        String a = first.json().path("id").asText();
        String b = second.json().path("id").asText();
        assertThat(a).matches("INC-[0-9]+");
        assertThat(b).isEqualTo("INC-" + (Long.parseLong(a.substring(4)) + 1));
        assertThat(first.header("Location")).contains("/api/v1/incidents/" + a);
        assertThat(first.json().path("severity").asText()).isEqualTo("sev3");
        assertThat(incident(a).path("severity").asText()).isEqualTo("sev3");
    }

    @Test
    void generatedIdsSkipIdsChosenByHand() {
        String generated = http.postJson("/api/v1/incidents", obj("title", "g1", "actor", "a")).json().path("id").asText();
        long next = Long.parseLong(generated.substring(4)) + 1;
        declare("INC-" + next, "chosen by hand");
        Response r = http.postJson("/api/v1/incidents", obj("title", "g2", "actor", "a"));
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        assertThat(r.json().path("id").asText()).isEqualTo("INC-" + (next + 1));
        assertThat(incident("INC-" + next).path("title").asText()).isEqualTo("chosen by hand");
    }

    // ---------------------------------------------------------------- append

    @Test
    void appendAnswers201WithTheStoredEvent() {
        String id = newId("APP");
        JsonNode declared = declare(id, "Latency");
        Response r = post(id, obj("type", "note", "actor", "bob", "title", "Looking", "content", "p99 at 4s",
                "data", obj("link", "https://grafana.example/d/1")));

        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        assertThat(r.contentType()).startsWith("application/json");
        JsonNode e = r.json();
        assertThat(fieldNames(e)).isEqualTo(new TreeSet<>(EVENT_FIELDS));
        assertThat(e.path("id").asText()).matches(ULID).isGreaterThan(declared.path("event").path("id").asText());
        assertThat(e.path("incidentId").asText()).isEqualTo(id);
        assertThat(e.path("seq").asLong()).isEqualTo(2);
        assertThat(e.path("type").asText()).isEqualTo("note");
        assertThat(e.path("actor").asText()).isEqualTo("bob");
        assertThat(e.path("title").asText()).isEqualTo("Looking");
        assertThat(e.path("content").asText()).isEqualTo("p99 at 4s");
        assertThat(e.path("data").path("link").asText()).isEqualTo("https://grafana.example/d/1");
        assertThat(e.path("ceType").asText()).isEqualTo("dev.incidentgateway.incident.note");
        assertThat(e.path("prevHash").asText()).isEqualTo(declared.path("event").path("hash").asText());
        assertThat(e.path("hash").asText()).matches("[0-9a-f]{64}").isNotEqualTo(e.path("prevHash").asText());
        Instant.parse(e.path("eventTime").asText());
        Instant.parse(e.path("recordedAt").asText());

        assertThat(timeline(id)).hasSize(2).last().isEqualTo(e);
        JsonNode view = incident(id);
        assertThat(view.path("lastSeq").asLong()).isEqualTo(2);
        assertThat(view.path("lastEventId").asText()).isEqualTo(e.path("id").asText());
        assertThat(view.path("status").asText()).isEqualTo("declared");
    }

    @Test
    void theAnswersDataIsTheStoredDataTextForText() {
        String id = newId("ORD");
        Response declared = http.post("/api/v1/incidents", "application/json", HttpApi.toJson(obj("id", id, "title", "Order",
                "actor", "alice", "correlationKey", "order-" + id)));
        assertThat(declared.status()).as(declared.toString()).isEqualTo(201);
        Response appended = post(id, obj("type", "note", "actor", "bob", "content", "keys out of order",
                "data", obj("zeta", 1, "alpha", obj("y", "2", "x", List.of(obj("b", true, "a", false))), "mid", "m")));
        assertThat(appended.status()).as(appended.toString()).isEqualTo(201);

        // Compared as text: the same JSON in another key order is what users diffing the 201 with the timeline saw
        List<JsonNode> read = timeline(id);
        assertThat(read.get(0).path("data").toString()).isEqualTo(declared.json().path("event").path("data").toString());
        assertThat(read.get(1).path("data").toString())
                .isEqualTo(appended.json().path("data").toString())
                .isEqualTo("{\"alpha\":{\"x\":[{\"a\":false,\"b\":true}],\"y\":\"2\"},\"mid\":\"m\",\"zeta\":1}");
    }
}
