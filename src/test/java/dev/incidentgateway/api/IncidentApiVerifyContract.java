package dev.incidentgateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.incidentgateway.testsupport.HttpApi.Response;
import dev.incidentgateway.testsupport.TestStore;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The verify endpoint against a store changed behind the gateway's back, on each kind of store (H2 and PostgreSQL
 * subclasses): an intact chain, a rewritten event, a view that differs from its log, and an event row the gateway
 * cannot read (500 naming the event on reads, reported by verify). Every change is put back: the class shares one store.
 */
abstract class IncidentApiVerifyContract extends IncidentApiHarness {
    @Test
    void verifyReportsAnIntactChain() {
        String id = newId("VER");
        declare(id, "Audit");
        append(id, "ack");
        append(id, "note");
        Response r = http.get("/api/v1/incidents/" + id + "/verify");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.contentType()).startsWith("application/json");
        JsonNode body = r.json();
        assertThat(body.path("incidentId").asText()).isEqualTo(id);
        assertThat(body.path("intact").isBoolean()).isTrue();
        assertThat(body.path("intact").asBoolean()).isTrue();
        assertThat(body.path("eventsChecked").asInt()).isEqualTo(3);
    }

    @Test
    void verifyReportsABrokenChainNamingTheFirstBrokenLink() throws Exception {
        String id = newId("VBR");
        declare(id, "Audit");
        append(id, "ack");
        append(id, "note");
        // Rewrite the second event's title behind the gateway's back (as a database admin could).
        asDatabaseAdmin("UPDATE timeline_events SET title = 'rewritten' WHERE incident_id = '" + id + "' AND seq = 2");
        Response r = http.get("/api/v1/incidents/" + id + "/verify");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        JsonNode body = r.json();
        assertThat(body.path("intact").asBoolean()).as(r.toString()).isFalse();
        assertThat(body.path("firstBrokenLink").path("incidentId").asText()).isEqualTo(id);
        assertThat(body.path("firstBrokenLink").path("seq").asLong()).isEqualTo(2);
        assertThat(body.path("firstBrokenLink").path("reason").asText()).isNotBlank();
    }

    /** Runs each statement as a database admin would: on PostgreSQL with the append-only trigger off. */
    void asDatabaseAdmin(String... statements) throws java.sql.SQLException {
        try (java.sql.Connection c = fixture.gateway().dataSource().getConnection(); java.sql.Statement st = c.createStatement()) {
            boolean pg = kind() == TestStore.Kind.POSTGRESQL;
            if (pg) {
                st.execute("ALTER TABLE timeline_events DISABLE TRIGGER timeline_events_no_update_delete");
            }
            try {
                for (String sql : statements) {
                    assertThat(st.executeUpdate(sql)).as(sql).isEqualTo(1);
                }
            } finally {
                if (pg) {
                    st.execute("ALTER TABLE timeline_events ENABLE TRIGGER timeline_events_no_update_delete");
                }
            }
        }
    }

    @Test
    void verifyComparesTheViewWithItsLog() throws Exception {
        String id = newId("VVW");
        declare(id, "Audit");
        append(id, "ack");
        asDatabaseAdmin("UPDATE incidents SET title = 'benign' WHERE id = '" + id + "'");
        try {
            Response r = http.get("/api/v1/incidents/" + id + "/verify");
            assertThat(r.status()).as(r.toString()).isEqualTo(200);
            assertThat(r.json().path("intact").asBoolean()).as(r.toString()).isFalse();
            assertThat(r.json().path("firstBrokenLink").path("reason").asText()).isEqualTo("view title is 'benign', its log gives 'Audit'");
            assertThat(r.json().path("brokenLinks")).hasSize(1);
        } finally {
            asDatabaseAdmin("UPDATE incidents SET title = 'Audit' WHERE id = '" + id + "'");
        }
        assertThat(http.get("/api/v1/incidents/" + id + "/verify").json().path("intact").asBoolean()).isTrue();
    }

    /**
     * A row the gateway cannot read is no passing fault: 500 unreadable-event naming the event and verify (not 503
     * store-unavailable, retried forever), logged at ERROR once per event; verify reports the row. The row is put back
     * after, since the class shares one store.
     */
    @Test
    void anEventRowTheGatewayCannotReadIsA500NamingItAndVerifyReportsIt() throws Exception {
        String id = newId("UNR");
        declare(id, "Audit");
        JsonNode note = append(id, "note");
        String declareId = http.get("/api/v1/incidents/" + id + "/timeline").json().path("events").path(0).path("id").asText();
        String noteId = note.path("id").asText();
        asDatabaseAdmin("UPDATE timeline_events SET data = 'not json' WHERE id = '" + noteId + "'");
        try (dev.incidentgateway.testsupport.CapturedLogs logs = dev.incidentgateway.testsupport.CapturedLogs.of(ProblemMapper.class.getName())) {
            for (String path : List.of("/api/v1/incidents/" + id + "/timeline", "/api/v1/events?after=" + declareId + "&limit=1",
                    "/api/v1/incidents/" + id + "/timeline?limit=5")) {
                Response r = http.get(path);
                assertThat(r.status()).as(r.toString()).isEqualTo(500);
                assertThat(r.contentType()).startsWith("application/problem+json");
                assertThat(r.json().path("type").asText()).isEqualTo("urn:incident-gateway:problem:unreadable-event");
                assertThat(r.json().path("eventId").asText()).isEqualTo(noteId);
                assertThat(r.json().path("detail").asText()).contains(noteId).contains("verify");
            }
            assertThat(logs.lines(e -> e.getLevel() == ch.qos.logback.classic.Level.ERROR)).singleElement().asString().contains(noteId);

            Response verify = http.get("/api/v1/incidents/" + id + "/verify");
            assertThat(verify.status()).as(verify.toString()).isEqualTo(200);
            assertThat(verify.json().path("intact").asBoolean()).isFalse();
            assertThat(verify.json().path("firstBrokenLink").path("eventId").asText()).isEqualTo(noteId);
            assertThat(verify.json().path("firstBrokenLink").path("reason").asText()).contains("cannot be read");
        } finally {
            asDatabaseAdmin("UPDATE timeline_events SET data = '{}' WHERE id = '" + noteId + "'");
        }
        assertThat(http.get("/api/v1/incidents/" + id + "/timeline").status()).isEqualTo(200);
    }
}
