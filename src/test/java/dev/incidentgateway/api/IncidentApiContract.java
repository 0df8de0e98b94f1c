package dev.incidentgateway.api;

import dev.incidentgateway.testsupport.HttpApi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.incidentgateway.testsupport.GatewayFixture;
import dev.incidentgateway.testsupport.HttpApi.Response;
import dev.incidentgateway.testsupport.TestStore;
import io.cloudevents.CloudEvent;
import io.cloudevents.SpecVersion;
import io.cloudevents.core.format.EventFormat;
import io.cloudevents.core.provider.EventFormatProvider;
import io.cloudevents.jackson.JsonFormat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static dev.incidentgateway.testsupport.HttpApi.obj;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The public HTTP contract of the incident API, against a real gateway (Camel + Vert.x) on each kind of
 * store (H2 and PostgreSQL subclasses). One gateway and one fresh store per class; each test uses its own
 * incidents. "Nothing stored" is checked after every error through the API itself: the incident count,
 * the sum of every incident's lastSeq, and the Since feed after the newest event id must not change.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class IncidentApiContract {
    static final Set<String> INCIDENT_FIELDS = Set.of("id", "title", "severity", "status", "commander", "declaredAt",
            "acknowledgedAt", "mitigatedAt", "resolvedAt", "closedAt", "lastEventId", "lastSeq", "alertRepeats");
    static final Set<String> EVENT_FIELDS = Set.of("id", "incidentId", "seq", "type", "actor", "title", "content", "eventTime",
            "recordedAt", "source", "ceId", "ceSource", "ceType", "data", "prevHash", "hash", "principal");
    static final int MAX_BODY = 1_048_576;
    static final String FIXTURE = "FIX-1";
    private static final String ULID = "[0-9A-HJKMNP-TV-Z]{26}";

    private final AtomicInteger ids = new AtomicInteger();
    private final EventFormat ceFormat = EventFormatProvider.getInstance().resolveFormat(JsonFormat.CONTENT_TYPE);

    GatewayFixture fixture;
    HttpApi http;

    abstract TestStore.Kind kind();

    /** False when this kind of store is not configured here (PostgreSQL without GATEWAY_TEST_PG_URL). */
    boolean storeAvailable() {
        return true;
    }

    @BeforeAll
    void startGateway() throws Exception {
        if (!storeAvailable()) {
            return; // each test then reports itself skipped (or failed in CI), see the PostgreSQL subclass
        }
        fixture = GatewayFixture.start(kind(), Map.of());
        http = fixture.http();
        // A declared incident that no test moves: the target of the error cases below.
        Response r = http.postJson("/api/v1/incidents", obj("id", FIXTURE, "title", "Fixture", "actor", "fixture"));
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
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

    @Test
    void expectedSeqIsCheckedAgainstTheLastSeq() {
        String id = newId("SEQ");
        declare(id, "Optimistic");
        Stored before = stored();
        JsonNode p = assertProblem(post(id, obj("type", "note", "actor", "b", "content", "n", "expectedSeq", 0)), 409, null);
        assertThat(p.path("status").asInt()).isEqualTo(409);
        assertNothingStoredSince(before);
        assertThat(append(id, obj("type", "note", "actor", "b", "content", "n", "expectedSeq", 1)).path("seq").asLong()).isEqualTo(2);
        assertProblem(post(id, obj("type", "ack", "actor", "b", "expectedSeq", 1)), 409, null);
        assertThat(incident(id).path("status").asText()).isEqualTo("declared");
        assertThat(timeline(id)).hasSize(2);
    }

    /** A replay's Location names the original event's incident, not the path the replay was sent to. */
    @Test
    void aReplayOnAnotherIncidentPointsAtTheOriginalEventsIncident() {
        String first = newId("IDLOC");
        String other = newId("IDLOC");
        declare(first, "Original");
        declare(other, "Other");
        String key = "key-" + UUID.randomUUID();
        Response original = post(first, obj("type", "note", "actor", "bob", "content", "first"), "Idempotency-Key", key);
        Response replay = post(other, obj("type", "note", "actor", "bob", "content", "first"), "Idempotency-Key", key);

        assertThat(replay.status()).as(replay.toString()).isEqualTo(200);
        assertThat(replay.json()).isEqualTo(original.json());
        assertThat(replay.header("Location")).contains(original.header("Location").orElseThrow())
                .hasValueSatisfying(location -> assertThat(location).startsWith("/api/v1/incidents/" + first + "/timeline"));
    }

    @Test
    void idempotencyKeyAnswers200WithTheOriginalEventAndAppendsNothing() {
        String id = newId("IDEM");
        declare(id, "Retries");
        String key = "key-" + UUID.randomUUID();
        Response first = post(id, obj("type", "note", "actor", "bob", "content", "first"), "Idempotency-Key", key);
        assertThat(first.status()).as(first.toString()).isEqualTo(201);
        Stored before = stored();

        Response again = post(id, obj("type", "note", "actor", "bob", "content", "first"), "Idempotency-Key", key);
        assertThat(again.status()).as(again.toString()).isEqualTo(200);
        assertThat(again.json()).isEqualTo(first.json());
        // Same key, different body: still the original, still nothing appended.
        Response changed = post(id, obj("type", "note", "actor", "eve", "content", "second"), "Idempotency-Key", key);
        assertThat(changed.status()).as(changed.toString()).isEqualTo(200);
        assertThat(changed.json()).isEqualTo(first.json());

        assertThat(timeline(id)).hasSize(2);
        assertNothingStoredSince(before);
        // Without the key the same body is a new event.
        assertThat(append(id, obj("type", "note", "actor", "bob", "content", "first")).path("seq").asLong()).isEqualTo(3);
    }

    @Test
    void idempotencyKeyOnDeclareAnswers200WithTheOriginalIncident() {
        String key = "declare-" + UUID.randomUUID();
        Response first = http.postJson("/api/v1/incidents", obj("title", "Once", "actor", "alice"), "Idempotency-Key", key);
        assertThat(first.status()).as(first.toString()).isEqualTo(201);
        String id = first.json().path("id").asText();
        Stored before = stored();

        Response again = http.postJson("/api/v1/incidents", obj("title", "Once", "actor", "alice"), "Idempotency-Key", key);
        assertThat(again.status()).as(again.toString()).isEqualTo(200);
        assertThat(again.json().path("id").asText()).isEqualTo(id);
        assertThat(again.json().path("event")).isEqualTo(first.json().path("event"));
        assertThat(again.header("Location")).contains("/api/v1/incidents/" + id);
        assertNothingStoredSince(before);
        assertThat(timeline(id)).hasSize(1);
    }

    @Test
    void anIdempotencyKeySentTwiceIsRefusedNamingTheHeader() {
        Stored before = stored();
        Response declare = http.postJson("/api/v1/incidents", obj("title", "Twice", "actor", "alice"),
                "Idempotency-Key", "twice-a-" + UUID.randomUUID(), "Idempotency-Key", "twice-b-" + UUID.randomUUID());
        assertThat(declare.status()).as(declare.toString()).isEqualTo(400);
        assertThat(declare.json().path("field").asText()).isEqualTo("Idempotency-Key");
        assertNothingStoredSince(before);
        String id = newId("TWICE");
        declare(id, "Twice");
        Stored declared = stored();
        Response note = post(id, obj("type", "note", "actor", "bob", "content", "once?"), "Idempotency-Key", "k1", "Idempotency-Key", "k2");
        assertThat(note.status()).as(note.toString()).isEqualTo(400);
        assertThat(note.json().path("field").asText()).isEqualTo("Idempotency-Key");
        assertNothingStoredSince(declared);
    }

    List<Response> inParallel(int n, java.util.function.IntFunction<Response> call) throws Exception {
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(n);
        try {
            java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
            List<java.util.concurrent.Future<Response>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int k = i;
                futures.add(pool.submit(() -> {
                    go.await();
                    return call.apply(k);
                }));
            }
            go.countDown();
            List<Response> out = new ArrayList<>();
            for (java.util.concurrent.Future<Response> f : futures) {
                out.add(f.get(30, java.util.concurrent.TimeUnit.SECONDS));
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void concurrentRetriesWithOneIdempotencyKeyAppendOnce() throws Exception {
        String id = newId("RACE");
        declare(id, "Race");
        String key = "race-" + UUID.randomUUID();
        List<Response> answers = inParallel(16, i -> post(id, obj("type", "note", "actor", "bot", "content", "try " + i),
                "Idempotency-Key", key));
        assertThat(answers).filteredOn(r -> r.status() == 201).hasSize(1);
        assertThat(answers).filteredOn(r -> r.status() == 200).hasSize(15);
        assertThat(answers).extracting(r -> r.json().path("id").asText()).containsOnly(answers.get(0).json().path("id").asText());
        assertThat(timeline(id)).hasSize(2);
    }

    @Test
    void concurrentAppendsGetAGaplessSeqAndAnIntactChain() throws Exception {
        String id = newId("RACE");
        declare(id, "Race");
        List<Response> answers = inParallel(16, i -> post(id, obj("type", "note", "actor", "bot", "content", "n" + i)));
        assertThat(answers).extracting(Response::status).containsOnly(201);
        assertThat(answers).extracting(r -> r.json().path("seq").asLong()).containsExactlyInAnyOrderElementsOf(
                java.util.stream.LongStream.rangeClosed(2, 17).boxed().toList());
        assertThat(timeline(id)).extracting(e -> e.path("seq").asLong())
                .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, 17).boxed().toList());
        JsonNode verify = http.get("/api/v1/incidents/" + id + "/verify").json();
        assertThat(verify.path("intact").asBoolean()).isTrue();
        assertThat(verify.path("eventsChecked").asInt()).isEqualTo(17);
    }

    @Test
    void concurrentDeclaresOfOneIdCreateItOnce() throws Exception {
        String id = newId("RACE");
        List<Response> answers = inParallel(16, i -> http.postJson("/api/v1/incidents",
                obj("id", id, "title", "attempt " + i, "actor", "bot")));
        assertThat(answers).filteredOn(r -> r.status() == 201).hasSize(1);
        assertThat(answers).filteredOn(r -> r.status() == 409).hasSize(15)
                .allSatisfy(r -> assertProblem(r, 409, null));
        assertThat(timeline(id)).hasSize(1);
    }

    // ---------------------------------------------------------------- reads

    @Test
    void listIncidentsFiltersByStatusAndHonoursLimit() {
        String declared = newId("LST");
        String acked = newId("LST");
        String resolved = newId("LST");
        declare(declared, "one");
        declare(acked, "two");
        declare(resolved, "three");
        append(acked, "ack");
        append(resolved, "resolve");

        Response all = http.get("/api/v1/incidents");
        assertThat(all.status()).as(all.toString()).isEqualTo(200);
        assertThat(all.contentType()).startsWith("application/json");
        assertThat(fieldNames(all.json())).containsExactly("incidents");
        List<JsonNode> incidents = list(all.json().path("incidents"));
        assertThat(incidents).extracting(i -> i.path("id").asText()).contains(declared, acked, resolved);
        incidents.forEach(i -> assertThat(fieldNames(i)).isEqualTo(new TreeSet<>(INCIDENT_FIELDS)));

        List<JsonNode> ackedOnly = list(http.get("/api/v1/incidents?status=acknowledged").json().path("incidents"));
        assertThat(ackedOnly).extracting(i -> i.path("id").asText()).contains(acked).doesNotContain(declared, resolved);
        assertThat(ackedOnly).allSatisfy(i -> assertThat(i.path("status").asText()).isEqualTo("acknowledged"));

        List<JsonNode> resolvedOnly = list(http.get("/api/v1/incidents?status=resolved&limit=1000").json().path("incidents"));
        assertThat(resolvedOnly).extracting(i -> i.path("id").asText()).contains(resolved).doesNotContain(declared, acked);

        assertThat(list(http.get("/api/v1/incidents?limit=2").json().path("incidents"))).hasSize(2);
        assertThat(list(http.get("/api/v1/incidents?limit=1").json().path("incidents"))).hasSize(1);
    }

    List<String> listed(String query) {
        Response r = http.get("/api/v1/incidents?" + query);
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return list(r.json().path("incidents")).stream().map(i -> i.path("id").asText()).toList();
    }

    @Test
    void listIncidentsTakesStatusListsOpenAndSeverityNewestFirstAcrossStatuses() {
        String declared = newId("MST");
        String acked = newId("MST");
        String mitigated = newId("MST");
        String resolved = newId("MST");
        String closed = newId("MST");
        for (String id : List.of(declared, acked, mitigated, resolved, closed)) {
            declare(id, "multi");
        }
        append(acked, "ack");
        append(mitigated, "mitigate");
        append(resolved, "resolve");
        append(closed, "resolve");
        append(closed, "close");
        Response sev1 = http.postJson("/api/v1/incidents", obj("id", newId("MST"), "title", "sev1", "actor", "a", "severity", "sev1"));
        assertThat(sev1.status()).as(sev1.toString()).isEqualTo(201);
        String critical = sev1.json().path("id").asText();

        List<String> open = listed("status=open&limit=1000");
        assertThat(open).contains(declared, acked, mitigated, critical).doesNotContain(resolved, closed);
        assertThat(listed("status=declared,acknowledged,mitigated&limit=1000")).isEqualTo(open);
        assertThat(listed("status=acknowledged,%20resolved&limit=1000")).contains(acked, resolved).doesNotContain(declared, mitigated, closed);

        // One order across the statuses: newest declared first, as the unfiltered list has it.
        List<String> all = listed("limit=1000");
        assertThat(open).isEqualTo(all.stream().filter(open::contains).toList());
        // Paging: the first n of the statuses, not n of each.
        assertThat(listed("status=open&limit=2")).isEqualTo(open.subList(0, 2));
        // The single value answers exactly what it did, and a list naming one status answers the same.
        assertThat(listed("status=acknowledged,acknowledged&limit=1000")).isEqualTo(listed("status=acknowledged&limit=1000"));
        assertThat(listed("status=declared,acknowledged,mitigated,resolved,closed&limit=1000")).isEqualTo(all);

        assertThat(listed("severity=sev1&limit=1000")).contains(critical).doesNotContain(declared, acked);
        assertThat(listed("status=open&severity=sev1,sev2&limit=1000")).contains(critical).doesNotContain(declared, resolved);
        assertThat(listed("status=resolved&severity=sev1&limit=1000")).doesNotContain(critical, resolved);
        assertThat(listed("status=open&severity=sev3&limit=1000")).contains(declared, acked, mitigated).doesNotContain(critical);

        Stored before = stored();
        assertThat(assertProblem(http.get("/api/v1/incidents?status=open,bogus"), 400, "status").path("detail").asText())
                .contains("'bogus'").contains("open");
        assertProblem(http.get("/api/v1/incidents?status=acknowledged,"), 400, "status");
        assertProblem(http.get("/api/v1/incidents?severity=sev9"), 400, "severity");
        assertNothingStoredSince(before);
    }

    @Test
    void timelineIsChronologicalAndPagesWithAfterAndNextAfter() {
        String id = newId("TL");
        declare(id, "Paging");
        for (int i = 1; i <= 4; i++) {
            append(id, obj("type", "note", "actor", "bob", "content", "note " + i));
        }

        Response whole = http.get("/api/v1/incidents/" + id + "/timeline");
        assertThat(whole.status()).as(whole.toString()).isEqualTo(200);
        assertThat(fieldNames(whole.json())).containsExactlyInAnyOrder("incidentId", "events", "nextAfter");
        assertThat(whole.json().path("incidentId").asText()).isEqualTo(id);
        assertThat(whole.json().path("nextAfter").isNull()).isTrue();
        List<JsonNode> all = list(whole.json().path("events"));
        assertThat(all).extracting(e -> e.path("seq").asLong()).containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(all).extracting(e -> e.path("id").asText()).isSorted();
        for (int i = 1; i < all.size(); i++) {
            assertThat(all.get(i).path("prevHash")).isEqualTo(all.get(i - 1).path("hash"));
        }

        List<Long> seen = new ArrayList<>();
        String after = null;
        int pages = 0;
        do {
            Response page = http.get("/api/v1/incidents/" + id + "/timeline?limit=2" + (after == null ? "" : "&after=" + after));
            assertThat(page.status()).as(page.toString()).isEqualTo(200);
            List<JsonNode> events = list(page.json().path("events"));
            events.forEach(e -> seen.add(e.path("seq").asLong()));
            JsonNode next = page.json().path("nextAfter");
            if (events.size() == 2) {
                assertThat(next.asText()).isEqualTo(events.get(1).path("id").asText());
            }
            after = next.isNull() ? null : next.asText();
            pages++;
        } while (after != null && pages < 10);
        assertThat(seen).containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(pages).isEqualTo(3);

        Response tail = http.get("/api/v1/incidents/" + id + "/timeline?after=" + all.get(3).path("id").asText());
        assertThat(list(tail.json().path("events"))).containsExactly(all.get(4));
        // An empty page is 200 for an incident that exists and 404 for one that does not (the page cannot tell them apart).
        String last = all.get(4).path("id").asText();
        Response end = http.get("/api/v1/incidents/" + id + "/timeline?after=" + last);
        assertThat(end.status()).as(end.toString()).isEqualTo(200);
        assertThat(list(end.json().path("events"))).isEmpty();
        assertThat(end.json().path("nextAfter").isNull()).isTrue();
        assertThat(http.get("/api/v1/incidents/NOPE-404/timeline?after=" + last).status()).isEqualTo(404);
    }

    @Test
    void sinceFeedIsABatchOfCloudEventsThatTheSdkParses() throws Exception {
        String mark = stored().newestEventId();
        String id = newId("CE");
        Response d = http.postJson("/api/v1/incidents", obj("id", id, "title", "Feed", "actor", "alice",
                "source", "https://alerts.example/feed"));
        assertThat(d.status()).isEqualTo(201);
        JsonNode ack = append(id, obj("type", "ack", "actor", "bob"));
        List<JsonNode> stored = timeline(id);

        Response feed = http.get("/api/v1/events?after=" + mark + "&limit=1000");
        assertThat(feed.status()).as(feed.toString()).isEqualTo(200);
        assertThat(feed.contentType()).startsWith("application/cloudevents-batch+json");
        ArrayNode array = (ArrayNode) HttpApi.JSON.readTree(feed.body());
        assertThat(array).hasSize(2);

        List<CloudEvent> events = new ArrayList<>();
        for (Iterator<JsonNode> it = array.elements(); it.hasNext(); ) {
            JsonNode raw = it.next();
            assertThat(raw.path("specversion").asText()).isEqualTo("1.0");
            assertThat(raw.path("incidentseq").isIntegralNumber()).as("incidentseq is a JSON number: %s", raw).isTrue();
            events.add(ceFormat.deserialize(HttpApi.JSON.writeValueAsBytes(raw)));
        }
        for (int i = 0; i < 2; i++) {
            CloudEvent ce = events.get(i);
            JsonNode ev = stored.get(i);
            assertThat(ce.getSpecVersion()).isEqualTo(SpecVersion.V1);
            assertThat(ce.getId()).isEqualTo(ev.path("id").asText());
            assertThat(ce.getSource()).isEqualTo(URI.create(ev.path("source").asText()));
            assertThat(ce.getType()).isEqualTo("dev.incidentgateway.incident." + ev.path("type").asText());
            assertThat(ce.getSubject()).isEqualTo(id);
            assertThat(ce.getTime().toInstant()).isEqualTo(Instant.parse(ev.path("eventTime").asText()));
            assertThat(ce.getDataContentType()).isEqualTo("application/json");
            assertThat(ce.getData()).isNotNull();
            assertThat(HttpApi.JSON.readTree(ce.getData().toBytes()).isObject()).isTrue();
            assertThat(ce.getExtension("incidentseq")).isEqualTo(i + 1);
            assertThat(ce.getExtension("actor")).isEqualTo(ev.path("actor").asText());
            assertThat(ce.getExtension("principal")).isEqualTo(ev.path("principal").asText());
        }
        // the body's "source" is ignored: REST events have the API's source
        assertThat(events.get(0).getSource()).isEqualTo(URI.create("/api/v1"));
        assertThat(events.get(0).getType()).isEqualTo("dev.incidentgateway.incident.declare");
        assertThat(events.get(1).getType()).isEqualTo("dev.incidentgateway.incident.ack");
        assertThat(events.get(1).getId()).isEqualTo(ack.path("id").asText());

        // Paging by id: after the first, the second only; limit caps the page.
        Response next = http.get("/api/v1/events?after=" + events.get(0).getId() + "&limit=1000");
        assertThat(list(next.json())).extracting(e -> e.path("id").asText()).containsExactly(events.get(1).getId());
        Response one = http.get("/api/v1/events?after=" + mark + "&limit=1");
        assertThat(list(one.json())).extracting(e -> e.path("id").asText()).containsExactly(events.get(0).getId());
        Response first = http.get("/api/v1/events?limit=1");
        assertThat(first.status()).isEqualTo(200);
        assertThat(list(first.json())).hasSize(1);
    }

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

    @Test
    void healthIsUp() {
        Response r = http.get("/health");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.contentType()).startsWith("application/json");
        assertThat(r.json().path("status").asText()).isEqualTo("UP");
    }

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

    // ---------------------------------------------------------------- errors

    /** A request the API must refuse, storing nothing. {@code {fixture}} in the path is the declared fixture incident. */
    record BadRequest(String name, String method, String path, String contentType, String body, int status, String field) {
        @Override
        public String toString() {
            return name + " -> " + status + (field == null ? "" : " (" + field + ")");
        }
    }

    static BadRequest declareWith(String name, String body, int status, String field) {
        return new BadRequest(name, "POST", "/api/v1/incidents", "application/json", body, status, field);
    }

    static BadRequest eventWith(String name, String body, int status, String field) {
        return new BadRequest(name, "POST", "/api/v1/incidents/{fixture}/events", "application/json", body, status, field);
    }

    static BadRequest getting(String name, String path, int status, String field) {
        return new BadRequest(name, "GET", path, null, null, status, field);
    }

    Stream<BadRequest> badRequests() {
        return Stream.of(
                declareWith("malformed JSON (declare)", "{\"title\": \"x\", ", 400, "body"),
                eventWith("malformed JSON (event)", "{oops}", 400, "body"),
                declareWith("JSON array instead of object", "[{\"title\":\"x\",\"actor\":\"a\"}]", 400, "body"),
                declareWith("empty body", "", 400, "body"),
                declareWith("missing title", "{\"actor\":\"alice\"}", 400, "title"),
                declareWith("blank title", "{\"title\":\"  \",\"actor\":\"alice\"}", 400, "title"),
                declareWith("title not a string", "{\"title\":42,\"actor\":\"alice\"}", 400, "title"),
                declareWith("missing actor (declare)", "{\"title\":\"t\"}", 400, "actor"),
                declareWith("bad severity", "{\"title\":\"t\",\"actor\":\"a\",\"severity\":\"sev5\"}", 400, "severity"),
                declareWith("bad id", "{\"id\":\"inc-1\",\"title\":\"t\",\"actor\":\"a\"}", 400, "id"),
                declareWith("declare of an existing id", "{\"id\":\"" + FIXTURE + "\",\"title\":\"t\",\"actor\":\"a\"}", 409, "id"),
                eventWith("missing type", "{\"actor\":\"a\"}", 400, "type"),
                eventWith("bad type", "{\"type\":\"explode\",\"actor\":\"a\"}", 400, "type"),
                eventWith("missing actor (event)", "{\"type\":\"note\"}", 400, "actor"),
                eventWith("state_change without data", "{\"type\":\"state_change\",\"actor\":\"a\"}", 400, "data"),
                eventWith("state_change without data.to or data.severity", "{\"type\":\"state_change\",\"actor\":\"a\",\"data\":{\"reason\":\"r\"}}", 400, "data"),
                eventWith("state_change to an unknown severity", "{\"type\":\"state_change\",\"actor\":\"a\",\"data\":{\"severity\":\"sev5\"}}", 400, "data.severity"),
                eventWith("state_change with a severity that is no string", "{\"type\":\"state_change\",\"actor\":\"a\",\"data\":{\"severity\":1}}", 400, "data.severity"),
                eventWith("state_change to the severity it has", "{\"type\":\"state_change\",\"actor\":\"a\",\"data\":{\"severity\":\"sev3\"}}", 409, null),
                eventWith("note without content", "{\"type\":\"note\",\"actor\":\"x\"}", 400, "content"),
                eventWith("note with blank content", "{\"type\":\"note\",\"actor\":\"x\",\"content\":\"  \"}", 400, "content"),
                eventWith("state_change to an unknown status", "{\"type\":\"state_change\",\"actor\":\"a\",\"data\":{\"to\":\"sideways\"}}", 400, "data.to"),
                eventWith("role_assign without data.role", "{\"type\":\"role_assign\",\"actor\":\"a\",\"data\":{\"assignee\":\"x\"}}", 400, "data.role"),
                eventWith("role_assign without data.assignee", "{\"type\":\"role_assign\",\"actor\":\"a\",\"data\":{\"role\":\"commander\"}}", 400, "data.assignee"),
                eventWith("data not an object", "{\"type\":\"note\",\"actor\":\"a\",\"data\":\"x\"}", 400, "data"),
                eventWith("negative expectedSeq", "{\"type\":\"note\",\"actor\":\"a\",\"expectedSeq\":-1}", 400, "expectedSeq"),
                eventWith("expectedSeq mismatch", "{\"type\":\"note\",\"actor\":\"a\",\"expectedSeq\":7}", 409, null),
                eventWith("close while declared", "{\"type\":\"close\",\"actor\":\"a\"}", 409, null),
                eventWith("second declare through events", "{\"type\":\"declare\",\"actor\":\"a\",\"title\":\"t\"}", 409, null),
                new BadRequest("event for an unknown incident", "POST", "/api/v1/incidents/NOPE-404/events", "application/json",
                        "{\"type\":\"note\",\"actor\":\"a\"}", 404, null),
                new BadRequest("text/plain declare", "POST", "/api/v1/incidents", "text/plain",
                        "{\"title\":\"t\",\"actor\":\"a\"}", 415, null),
                new BadRequest("text/plain event", "POST", "/api/v1/incidents/{fixture}/events", "text/plain",
                        "{\"type\":\"note\",\"actor\":\"a\"}", 415, null),
                new BadRequest("no content type", "POST", "/api/v1/incidents", null, "{\"title\":\"t\",\"actor\":\"a\"}", 415, null),
                declareWith("1.5 MiB declare", bigJson(MAX_BODY * 3 / 2), 413, null),
                eventWith("1.5 MiB event", bigJson(MAX_BODY * 3 / 2), 413, null),
                getting("unknown incident", "/api/v1/incidents/NOPE-404", 404, null),
                getting("timeline of an unknown incident", "/api/v1/incidents/NOPE-404/timeline", 404, null),
                getting("verify of an unknown incident", "/api/v1/incidents/NOPE-404/verify", 404, null),
                getting("since limit=5000", "/api/v1/events?limit=5000", 400, "limit"),
                getting("since limit=1001", "/api/v1/events?limit=1001", 400, "limit"),
                getting("since limit=0", "/api/v1/events?limit=0", 400, "limit"),
                getting("since limit=abc", "/api/v1/events?limit=abc", 400, "limit"),
                getting("since after=garbage", "/api/v1/events?after=garbage", 400, "after"),
                getting("incidents limit=5000", "/api/v1/incidents?limit=5000", 400, "limit"),
                getting("incidents status=bogus", "/api/v1/incidents?status=bogus", 400, "status"),
                getting("timeline after=garbage", "/api/v1/incidents/{fixture}/timeline?after=garbage", 400, "after"),
                getting("timeline limit=5000", "/api/v1/incidents/{fixture}/timeline?limit=5000", 400, "limit"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badRequests")
    void refusedRequestsAnswerProblemJsonAndStoreNothing(BadRequest bad) {
        Stored before = stored();
        String path = bad.path().replace("{fixture}", FIXTURE);
        Response r = bad.method().equals("GET") ? http.get(path, "X-Probe", "secret-value")
                : http.post(path, bad.contentType(), bad.body(), "X-Probe", "secret-value");
        assertProblem(r, bad.status(), bad.field());
        assertThat(r.header("X-Probe")).as("request headers are not echoed").isEmpty();
        assertNothingStoredSince(before);
        assertThat(timeline(FIXTURE)).hasSize(1);
        assertThat(incident(FIXTURE).path("status").asText()).isEqualTo("declared");
    }

    /**
     * A body with anything after the JSON object is not valid JSON (RFC 8259: one value per text), so it is
     * malformed, not silently truncated to its first value.
     */
    @Test
    void contentAfterTheJsonObjectIsMalformedJson() {
        String id = newId("TRAIL");
        declare(id, "Trailing");
        Stored before = stored();
        String declareId = newId("TRAIL");
        assertProblem(http.post("/api/v1/incidents", "application/json",
                "{\"id\":\"" + declareId + "\",\"title\":\"t\",\"actor\":\"a\"} this is not JSON"), 400, "body");
        assertProblem(http.post("/api/v1/incidents/" + id + "/events", "application/json",
                "{\"type\":\"note\",\"actor\":\"a\"}{\"type\":\"ack\",\"actor\":\"a\"}"), 400, "body");
        assertNothingStoredSince(before);
        assertProblem(http.get("/api/v1/incidents/" + declareId), 404, null);
        assertThat(timeline(id)).hasSize(1);
    }

    /**
     * The incident is the one in the path: a request header that happens to be called {@code id} (header
     * names are case-insensitive, so also {@code Id}, {@code ID}) must not change or break which incident
     * a request addresses.
     */
    @Test
    void aRequestHeaderNamedIdDoesNotChangeTheAddressedIncident() {
        String target = newId("HID");
        String other = newId("HID");
        declare(target, "Target");
        declare(other, "Other");

        Response get = http.get("/api/v1/incidents/" + target, "Id", other);
        assertThat(get.status()).as(get.toString()).isEqualTo(200);
        assertThat(get.json().path("id").asText()).isEqualTo(target);

        Response appended = post(target, obj("type", "note", "actor", "a", "content", "n"), "Id", other);
        assertThat(appended.status()).as(appended.toString()).isEqualTo(201);
        assertThat(appended.json().path("incidentId").asText()).isEqualTo(target);

        Response tl = http.get("/api/v1/incidents/" + target + "/timeline", "Id", other);
        assertThat(tl.status()).as(tl.toString()).isEqualTo(200);
        assertThat(tl.json().path("incidentId").asText()).isEqualTo(target);
        assertThat(timeline(other)).hasSize(1);
    }

    @Test
    void refusedTransitionNamesCurrentStatusAndAttemptedType() {
        String id = newId("REF");
        declare(id, "Refused");
        Stored before = stored();
        JsonNode p = assertProblem(post(id, obj("type", "close", "actor", "bob")), 409, null);
        assertThat(p.path("currentStatus").asText()).isEqualTo("declared");
        assertThat(p.path("attemptedType").asText()).isEqualTo("close");
        assertNothingStoredSince(before);

        JsonNode again = assertProblem(http.postJson("/api/v1/incidents", obj("id", id, "title", "dup", "actor", "a")), 409, null);
        assertThat(again.path("currentStatus").asText()).isEqualTo("declared");
        assertThat(again.path("attemptedType").asText()).isEqualTo("declare");
        assertThat(p.path("allowedTypes")).extracting(JsonNode::asText)
                .containsExactly("ack", "mitigate", "resolve", "note", "role_assign", "state_change");
        assertThat(p.path("detail").asText()).contains("send a resolve first", "Allowed now: ack, mitigate, resolve");
        assertNothingStoredSince(before);
        assertThat(incident(id).path("title").asText()).isEqualTo("Refused");
    }

    @Test
    void bodyLimitIsOneMebibyteExactly() {
        String id = newId("BIG");
        String prefix = "{\"id\":\"" + id + "\",\"title\":\"boundary\",\"actor\":\"a\",\"content\":\"";
        String suffix = "\"}";
        String exact = prefix + "x".repeat(MAX_BODY - prefix.length() - suffix.length()) + suffix;
        assertThat(exact.getBytes(StandardCharsets.UTF_8)).hasSize(MAX_BODY);

        Stored before = stored();
        String over = prefix + "x".repeat(MAX_BODY - prefix.length() - suffix.length() + 1) + suffix;
        assertProblem(http.post("/api/v1/incidents", "application/json", over), 413, null);
        assertNothingStoredSince(before);

        Response ok = http.post("/api/v1/incidents", "application/json", exact);
        assertThat(ok.status()).as("a body of exactly %d bytes is accepted: %s", MAX_BODY, ok.status()).isEqualTo(201);
        assertThat(ok.json().path("event").path("content").asText()).hasSize(MAX_BODY - prefix.length() - suffix.length());
    }

    @Test
    void oversizeBodyWithoutContentLengthIsRefusedToo() {
        Stored before = stored();
        byte[] big = bigJson(MAX_BODY * 3 / 2).getBytes(StandardCharsets.UTF_8);
        // A publisher of unknown length: sent chunked, without Content-Length.
        HttpRequest.BodyPublisher chunked = HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(big));
        Response r = http.post("/api/v1/incidents/" + FIXTURE + "/events", "application/json", chunked);
        assertProblem(r, 413, null);
        assertNothingStoredSince(before);
    }

    /**
     * Far above the limit the HTTP edge (transport/EdgeGuard) refuses the body by its Content-Length before any
     * route runs and before the body is read: still 413 problem+json, and nothing is stored.
     */
    @Test
    void farOversizeBodyIsRefusedWith413() {
        Stored before = stored();
        Response r = http.post("/api/v1/incidents", "application/json", bigJson(MAX_BODY * 5));
        assertProblem(r, 413, null);
        assertNothingStoredSince(before);
    }

    // ---------------------------------------------------------------- headers

    @Test
    void requestHeadersAreNotEchoed() {
        String id = newId("HDR");
        String[] probe = {"X-Probe", "secret-value"};
        List<Response> answers = new ArrayList<>();
        answers.add(http.postJson("/api/v1/incidents", obj("id", id, "title", "Headers", "actor", "a"), probe));
        answers.add(http.postJson("/api/v1/incidents/" + id + "/events", obj("type", "note", "actor", "a", "content", "n"), probe));
        answers.add(http.postJson("/api/v1/incidents/" + id + "/events", obj("type", "close", "actor", "a"), probe));
        answers.add(http.get("/api/v1/incidents/" + id, probe));
        answers.add(http.get("/api/v1/incidents", probe));
        answers.add(http.get("/api/v1/incidents/" + id + "/timeline", probe));
        answers.add(http.get("/api/v1/incidents/" + id + "/verify", probe));
        answers.add(http.get("/api/v1/events?limit=1", probe));
        answers.add(http.get("/api/v1/stats", probe));
        answers.add(http.get("/health", probe));
        answers.add(http.get("/metrics", probe));
        assertThat(answers).extracting(Response::status).containsExactly(201, 201, 409, 200, 200, 200, 200, 200, 200, 200, 200);
        for (Response r : answers) {
            assertThat(r.header("X-Probe")).as("X-Probe echoed in %s", r).isEmpty();
            assertThat(r.headers().map().values().stream().flatMap(List::stream))
                    .as("no response header carries the probe value: %s", r).doesNotContain("secret-value");
        }
    }
}
