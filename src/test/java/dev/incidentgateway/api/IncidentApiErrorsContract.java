package dev.incidentgateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.incidentgateway.testsupport.HttpApi.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static dev.incidentgateway.testsupport.HttpApi.obj;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Requests the incident API refuses, on each kind of store (H2 and PostgreSQL subclasses): every bad request answers
 * problem+json naming the field and stores nothing; body limits (1 MiB exactly, also chunked and far above); and no
 * request header is echoed in any answer.
 */
abstract class IncidentApiErrorsContract extends IncidentApiHarness {
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
