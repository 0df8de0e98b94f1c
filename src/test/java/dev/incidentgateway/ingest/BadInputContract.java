package dev.incidentgateway.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.incidentgateway.testsupport.FeedMark;
import dev.incidentgateway.testsupport.GatewayFixture;
import dev.incidentgateway.testsupport.HttpApi;
import dev.incidentgateway.testsupport.HttpApi.Response;
import dev.incidentgateway.testsupport.TestStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bad input is the sender's 4xx and stores nothing, on each kind of store, over real HTTP. The CloudEvents rows
 * follow the CloudEvents 1.0 spec (required attributes id, source, specversion, type: missing, empty, of the wrong
 * type; time an RFC 3339 timestamp; data_base64 Base64; the JSON batch format) in structured, binary and batch mode;
 * the other rows are the field limits of EventLimits, NUL, invalid Unicode and deep nesting on REST and on a
 * webhook mapper. Every row asserts the status, a problem+json naming the field, and that the Since feed has no
 * event after the one that was newest before the request.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class BadInputContract {
    static final String TOKEN = "test-token-" + UUID.randomUUID();
    static final String[] AUTH = {"Authorization", "Bearer " + TOKEN};
    static final String STRUCTURED = "application/cloudevents+json";
    static final String BATCH = "application/cloudevents-batch+json";
    static final String VALID = """
            {"specversion":"1.0","id":"ok-1","source":"urn:fuzz","type":"com.example.incident.declare",
             "time":"2026-11-30T10:00:00Z","data":{"title":"Valid","actor":"monitor"}}""";

    GatewayFixture fixture;
    HttpApi http;
    String mark;

    abstract TestStore.Kind kind();

    /** One row: what is sent, and the status and problem field it must get. */
    record Case(String name, String path, String contentType, byte[] body, String[] headers, int status, String field) {
        @Override
        public String toString() {
            return name;
        }
    }

    @BeforeAll
    void start() throws Exception {
        fixture = GatewayFixture.start(kind(), Map.of("GATEWAY_WEBHOOK_TOKEN", TOKEN));
        if (fixture != null) {
            http = fixture.http();
        }
    }

    @BeforeEach
    void requireStore() {
        GatewayFixture.assumeStore(kind());
        mark = newestEventId(mark);
    }

    @AfterAll
    void stop() {
        if (fixture != null) {
            fixture.close();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void badInputIsA4xxNamingTheFieldAndStoresNothing(Case c) {
        Response r = http.post(c.path(), c.contentType(), HttpRequest.BodyPublishers.ofByteArray(c.body()), c.headers());
        assertThat(r.status()).as(r.toString()).isEqualTo(c.status());
        assertThat(r.contentType()).as(r.toString()).startsWith("application/problem+json");
        assertThat(r.json().path("field").asText()).as(r.toString()).isEqualTo(c.field());
        assertThat(newestEventId(mark)).as("nothing stored by " + c.name()).isEqualTo(mark);
    }

    @Test
    void anEmptyCloudEventsBatchIsAcceptedAndStoresNothing() {
        Response r = http.post("/webhooks/cloudevents", BATCH, "[]", AUTH);
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.json().path("accepted")).isEmpty();
        assertThat(r.json().path("duplicates")).isEmpty();
        assertThat(r.json().path("ignored").asInt()).isZero();
        assertThat(newestEventId(mark)).isEqualTo(mark);
    }

    @Test
    void theValidEventOfTheTableIsAccepted() {
        // the rows are mutations of VALID: it must itself be accepted, or every row proves nothing
        String id = "ok-" + UUID.randomUUID();
        Response r = http.post("/webhooks/cloudevents", STRUCTURED, VALID.replace("ok-1", id), AUTH);
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.json().path("accepted")).hasSize(1);
        Response batch = http.post("/webhooks/cloudevents", BATCH, "[" + VALID.replace("ok-1", id + "-b") + "]", AUTH);
        assertThat(batch.json().path("accepted")).as(batch.toString()).hasSize(1);
    }

    /** The newest event id of the Since feed (paged from {@code after}). */
    String newestEventId(String after) {
        return FeedMark.newestRequestEvent(http, after);
    }

    Stream<Case> cases() {
        List<Case> rows = new ArrayList<>();
        BadInputCases.cloudEvents(rows, AUTH);
        BadInputCases.rest(rows);
        BadInputCases.alertmanager(rows, AUTH);
        return rows.stream();
    }
}
