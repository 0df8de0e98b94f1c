package dev.incidentgateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.incidentgateway.testsupport.HttpApi.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static dev.incidentgateway.testsupport.HttpApi.obj;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * An incident's lifecycle over HTTP, on each kind of store (H2 and PostgreSQL subclasses): timestamps, commander and
 * reopening along one incident's life, and the whole transition table (allowed: 201 and the new status; refused: 409
 * naming the current status, the attempted type and what is allowed, nothing stored).
 */
abstract class IncidentApiLifecycleContract extends IncidentApiHarness {
    // ---------------------------------------------------------------- lifecycle and state machine

    @Test
    void lifecycleSetsTimestampsCommanderAndReopenClearsResolvedAt() {
        String id = newId("LIFE");
        declare(id, "Lifecycle");
        append(id, "ack");
        JsonNode roleEvent = append(id, obj("type", "role_assign", "actor", "bob",
                "data", obj("role", "commander", "assignee", "carol")));
        assertThat(roleEvent.path("data").path("assignee").asText()).isEqualTo("carol");
        assertThat(incident(id).path("commander").asText()).isEqualTo("carol");
        append(id, obj("type", "role_assign", "actor", "bob", "data", obj("role", "scribe", "assignee", "dave")));
        assertThat(incident(id).path("commander").asText()).as("only role commander sets the commander").isEqualTo("carol");
        append(id, "mitigate");
        append(id, "resolve");
        JsonNode resolved = incident(id);
        assertThat(resolved.path("status").asText()).isEqualTo("resolved");
        for (String f : List.of("acknowledgedAt", "mitigatedAt", "resolvedAt")) {
            assertThat(resolved.path(f).isNull()).as(f).isFalse();
        }

        append(id, obj("type", "state_change", "actor", "bob", "data", obj("to", "acknowledged", "reason", "came back")));
        JsonNode reopened = incident(id);
        assertThat(reopened.path("status").asText()).isEqualTo("acknowledged");
        assertThat(reopened.path("resolvedAt").isNull()).isTrue();
        assertThat(reopened.path("acknowledgedAt")).isEqualTo(resolved.path("acknowledgedAt"));

        append(id, "resolve");
        append(id, "close");
        JsonNode closed = incident(id);
        assertThat(closed.path("status").asText()).isEqualTo("closed");
        assertThat(closed.path("closedAt").isNull()).isFalse();
        assertThat(closed.path("resolvedAt").isNull()).isFalse();
        assertThat(closed.path("commander").asText()).isEqualTo("carol");
        assertThat(closed.path("lastSeq").asLong()).isEqualTo(9);
        List<JsonNode> events = timeline(id);
        assertThat(events).extracting(e -> e.path("type").asText()).containsExactly("declare", "ack", "role_assign",
                "role_assign", "mitigate", "resolve", "state_change", "resolve", "close");
        assertThat(closed.path("lastEventId").asText()).isEqualTo(events.get(8).path("id").asText());
        JsonNode verify = http.get("/api/v1/incidents/" + id + "/verify").json();
        assertThat(verify.path("intact").asBoolean()).isTrue();
        assertThat(verify.path("eventsChecked").asInt()).isEqualTo(9);

        // note and role_assign are allowed even when closed; nothing else is.
        append(id, "note");
        append(id, obj("type", "role_assign", "actor", "bob", "data", obj("role", "commander", "assignee", "erin")));
        assertThat(incident(id).path("commander").asText()).isEqualTo("erin");
        assertThat(incident(id).path("status").asText()).isEqualTo("closed");
    }

    Stream<Arguments> transitions() {
        return Stream.of(
                // from, event type, data.to (state_change), status after (null: refused with 409)
                Arguments.of("declared", "ack", null, "acknowledged"),
                Arguments.of("declared", "mitigate", null, "mitigated"),
                Arguments.of("declared", "resolve", null, "resolved"),
                Arguments.of("declared", "close", null, null),
                Arguments.of("declared", "note", null, "declared"),
                Arguments.of("declared", "role_assign", null, "declared"),
                Arguments.of("declared", "state_change", "acknowledged", "acknowledged"),
                Arguments.of("declared", "state_change", "closed", null),
                Arguments.of("declared", "state_change", "declared", null),
                Arguments.of("acknowledged", "ack", null, null),
                Arguments.of("acknowledged", "mitigate", null, "mitigated"),
                Arguments.of("acknowledged", "resolve", null, "resolved"),
                Arguments.of("acknowledged", "close", null, null),
                Arguments.of("acknowledged", "state_change", "mitigated", "mitigated"),
                Arguments.of("acknowledged", "state_change", "resolved", "resolved"),
                Arguments.of("acknowledged", "note", null, "acknowledged"),
                Arguments.of("mitigated", "ack", null, null),
                Arguments.of("mitigated", "mitigate", null, null),
                Arguments.of("mitigated", "resolve", null, "resolved"),
                Arguments.of("mitigated", "close", null, null),
                Arguments.of("mitigated", "state_change", "acknowledged", null),
                Arguments.of("mitigated", "role_assign", null, "mitigated"),
                Arguments.of("resolved", "close", null, "closed"),
                Arguments.of("resolved", "ack", null, null),
                Arguments.of("resolved", "mitigate", null, null),
                Arguments.of("resolved", "resolve", null, null),
                Arguments.of("resolved", "state_change", "acknowledged", "acknowledged"),
                Arguments.of("resolved", "state_change", "mitigated", null),
                Arguments.of("resolved", "state_change", "closed", "closed"),
                Arguments.of("resolved", "note", null, "resolved"),
                Arguments.of("closed", "note", null, "closed"),
                Arguments.of("closed", "role_assign", null, "closed"),
                Arguments.of("closed", "ack", null, null),
                Arguments.of("closed", "resolve", null, null),
                Arguments.of("closed", "close", null, null),
                Arguments.of("closed", "state_change", "acknowledged", null),
                Arguments.of("closed", "state_change", "resolved", null));
    }

    @ParameterizedTest(name = "{0} + {1} {2} -> {3}")
    @MethodSource("transitions")
    void transitionTableOverHttp(String from, String type, String to, String after) {
        String id = newId("SM");
        declare(id, "State machine");
        switch (from) {
            case "declared" -> { }
            case "acknowledged" -> append(id, "ack");
            case "mitigated" -> append(id, "mitigate");
            case "resolved" -> append(id, "resolve");
            case "closed" -> {
                append(id, "resolve");
                append(id, "close");
            }
            default -> throw new IllegalArgumentException(from);
        }
        assertThat(incident(id).path("status").asText()).isEqualTo(from);
        int before = timeline(id).size();
        ObjectNode body = obj("type", type, "actor", "bob", "content", type + " by bob");
        if (to != null) {
            body.set("data", obj("to", to));
        } else if (type.equals("role_assign")) {
            body.set("data", obj("role", "scribe", "assignee", "dave"));
        }

        Response r = post(id, body);
        if (after == null) {
            JsonNode p = assertProblem(r, 409, null);
            assertThat(p.path("currentStatus").asText()).isEqualTo(from);
            assertThat(p.path("attemptedType").asText()).isEqualTo(type);
            assertThat(p.path("allowedTypes")).as("what the status allows, as the incident view lists it")
                    .isEqualTo(incident(id).path("allowedEvents"));
            assertThat(incident(id).path("status").asText()).isEqualTo(from);
            assertThat(timeline(id)).hasSize(before);
        } else {
            assertThat(r.status()).as(r.toString()).isEqualTo(201);
            assertThat(r.json().path("type").asText()).isEqualTo(type);
            assertThat(r.json().path("seq").asLong()).isEqualTo(before + 1);
            assertThat(incident(id).path("status").asText()).isEqualTo(after);
            assertThat(timeline(id)).hasSize(before + 1);
        }
    }
}
