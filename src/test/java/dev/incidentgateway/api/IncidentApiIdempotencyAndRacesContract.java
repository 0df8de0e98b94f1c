package dev.incidentgateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.incidentgateway.testsupport.HttpApi.Response;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static dev.incidentgateway.testsupport.HttpApi.obj;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Writes that may be retried or raced, on each kind of store (H2 and PostgreSQL subclasses): expectedSeq against the
 * last seq, Idempotency-Key replays (200 with the original, nothing appended; the header sent twice is refused), and
 * concurrent appends and declares (one append per key, a gapless seq and an intact chain, one incident per id).
 */
abstract class IncidentApiIdempotencyAndRacesContract extends IncidentApiHarness {
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
}
