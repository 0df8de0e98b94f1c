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
import org.junit.jupiter.api.TestInstance;

import java.util.Map;
import java.util.UUID;

/**
 * The gateway {@link WebhookIngestContract} runs against, one per test class on each kind of store (the shared
 * webhook token set), and what its tests send: an Alertmanager payload, posted with the token, and a timeline's length.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class WebhookIngestGateway {
    static final String TOKEN = "test-token-" + UUID.randomUUID();
    static final String[] AUTH = {"Authorization", "Bearer " + TOKEN};

    GatewayFixture fixture;
    HttpApi http;

    abstract TestStore.Kind kind();

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
    }

    @AfterAll
    void stop() {
        if (fixture != null) {
            fixture.close();
        }
    }

    static String alertmanager(String status, String fingerprint, String startsAt, String endsAt) {
        return """
                {"version":"4","groupKey":"{}:{alertname=\\"HighLatency\\"}","truncatedAlerts":0,"status":"%s",
                 "receiver":"incident-gateway","groupLabels":{"alertname":"HighLatency"},"commonLabels":{},
                 "commonAnnotations":{},"externalURL":"http://am:9093",
                 "alerts":[{"status":"%s","labels":{"alertname":"HighLatency","severity":"critical","service":"checkout"},
                   "annotations":{"summary":"p99 above 2s","description":"checkout p99 latency is 2.4s"},
                   "startsAt":"%s","endsAt":"%s","generatorURL":"http://prom:9090/graph","fingerprint":"%s"}]}
                """.formatted(status, status, startsAt, endsAt, fingerprint);
    }

    Response postAlert(String body) {
        return http.post("/webhooks/alertmanager", "application/json", body, AUTH);
    }

    long timelineLength(String incidentId) {
        long n = 0;
        for (JsonNode e : http.get("/api/v1/incidents/" + incidentId + "/timeline?limit=1000").json().path("events")) {
            n += FeedMark.fromRequest(e) ? 1 : 0;
        }
        return n;
    }
}
