package dev.incidentgateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.incidentgateway.testsupport.GatewayFixture;
import dev.incidentgateway.testsupport.HttpApi;
import dev.incidentgateway.testsupport.HttpApi.Response;
import dev.incidentgateway.testsupport.TestStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.incidentgateway.testsupport.HttpApi.obj;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What every IncidentApi*Contract shares: the public HTTP contract of the incident API, against a real gateway
 * (Camel + Vert.x) on each kind of store (H2 and PostgreSQL subclasses of each contract). One gateway and one fresh
 * store per class; each test uses its own incidents. "Nothing stored" is checked after every error through the API
 * itself: the incident count, the sum of every incident's lastSeq, and the Since feed after the newest event id must
 * not change.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class IncidentApiHarness {
    static final Set<String> INCIDENT_FIELDS = Set.of("id", "title", "severity", "status", "commander", "declaredAt",
            "acknowledgedAt", "mitigatedAt", "resolvedAt", "closedAt", "lastEventId", "lastSeq", "alertRepeats");
    static final Set<String> EVENT_FIELDS = Set.of("id", "incidentId", "seq", "type", "actor", "title", "content", "eventTime",
            "recordedAt", "source", "ceId", "ceSource", "ceType", "data", "prevHash", "hash", "principal");
    static final int MAX_BODY = 1_048_576;
    static final String FIXTURE = "FIX-1";

    private final AtomicInteger ids = new AtomicInteger();

    GatewayFixture fixture;
    HttpApi http;

    abstract TestStore.Kind kind();

    @BeforeAll
    void startGateway() throws Exception {
        fixture = GatewayFixture.start(kind(), Map.of());
        if (fixture == null) {
            return; // no such store here (PostgreSQL without GATEWAY_TEST_PG_URL): each test reports itself skipped, see requireStore
        }
        http = fixture.http();
        // A declared incident that no test moves: the target of the error cases.
        Response r = http.postJson("/api/v1/incidents", obj("id", FIXTURE, "title", "Fixture", "actor", "fixture"));
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
    }

    /**
     * Per test, not only per class: an assumption failing in @BeforeAll shows as "Tests run: 0, Skipped: 0",
     * which hides that nothing ran (same reason as in TimelineStoreContract). Skipped without the store, failed in CI.
     */
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

    // ---------------------------------------------------------------- helpers

    String newId(String prefix) {
        return prefix + "-" + ids.incrementAndGet();
    }

    JsonNode declare(String id, String title) {
        Response r = http.postJson("/api/v1/incidents", obj("id", id, "title", title, "actor", "alice"));
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return r.json();
    }

    Response post(String id, ObjectNode body, String... headers) {
        return http.postJson("/api/v1/incidents/" + id + "/events", body, headers);
    }

    JsonNode append(String id, ObjectNode body) {
        Response r = post(id, body);
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return r.json();
    }

    JsonNode append(String id, String type) {
        return append(id, obj("type", type, "actor", "bob", "content", type + " by bob"));
    }

    JsonNode incident(String id) {
        Response r = http.get("/api/v1/incidents/" + id);
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.json();
    }

    List<JsonNode> timeline(String id) {
        Response r = http.get("/api/v1/incidents/" + id + "/timeline?limit=1000");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return list(r.json().path("events"));
    }

    static List<JsonNode> list(JsonNode array) {
        assertThat(array.isArray()).as("JSON array expected: %s", array).isTrue();
        List<JsonNode> out = new ArrayList<>();
        array.forEach(out::add);
        return out;
    }

    static Set<String> fieldNames(JsonNode o) {
        Set<String> names = new TreeSet<>();
        o.fieldNames().forEachRemaining(names::add);
        return names;
    }

    /** What is stored, as seen through the API. */
    record Stored(int incidents, long events, String newestEventId) {
    }

    Stored stored() {
        Response r = http.get("/api/v1/incidents?limit=1000");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        List<JsonNode> incidents = list(r.json().path("incidents"));
        long events = 0;
        String newest = null;
        for (JsonNode i : incidents) {
            events += i.path("lastSeq").asLong();
            String last = i.path("lastEventId").asText();
            newest = newest == null || last.compareTo(newest) > 0 ? last : newest;
        }
        return new Stored(incidents.size(), events, newest);
    }

    void assertNothingStoredSince(Stored before) {
        assertThat(stored()).as("nothing may be stored by a refused request").isEqualTo(before);
        Response feed = http.get("/api/v1/events?limit=1000" + (before.newestEventId() == null ? "" : "&after=" + before.newestEventId()));
        assertThat(feed.status()).as(feed.toString()).isEqualTo(200);
        assertThat(list(feed.json())).as("Since feed after the newest event").isEmpty();
    }

    static JsonNode assertProblem(Response r, int status, String field) {
        assertThat(r.status()).as(r.toString()).isEqualTo(status);
        assertThat(r.contentType()).as(r.toString()).startsWith("application/problem+json");
        JsonNode p = r.json();
        assertThat(p.path("type").isTextual()).as("type: %s", p).isTrue();
        assertThat(p.path("type").asText()).isNotBlank();
        assertThat(p.path("title").asText()).as("title: %s", p).isNotBlank();
        assertThat(p.path("status").isInt()).as("status: %s", p).isTrue();
        assertThat(p.path("status").asInt()).isEqualTo(status);
        assertThat(p.path("detail").asText()).as("detail: %s", p).isNotBlank();
        if (field != null) {
            assertThat(p.path("field").asText()).as("field: %s", p).isEqualTo(field);
        }
        return p;
    }

    static String bigJson(int contentChars) {
        return "{\"title\":\"big\",\"actor\":\"a\",\"type\":\"note\",\"content\":\"" + "x".repeat(contentChars) + "\"}";
    }
}
