package dev.incidentgateway.api;

import dev.incidentgateway.testsupport.HttpApi;

import com.fasterxml.jackson.databind.JsonNode;
import dev.incidentgateway.Gateway;
import dev.incidentgateway.testsupport.GatewayFixture;
import dev.incidentgateway.testsupport.HttpApi.Response;
import dev.incidentgateway.config.ConfigException;
import dev.incidentgateway.testsupport.TempDirs;
import dev.incidentgateway.testsupport.TestStore;
import dev.incidentgateway.testsupport.TestApiKeys;
import dev.incidentgateway.security.Scope;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.incidentgateway.testsupport.HttpApi.obj;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The gateway's routes beyond the incident API, on H2: extra YAML routes from GATEWAY_ROUTES_DIR, the
 * shipped camel-jdbc stats route, Prometheus metrics, and /health when the database stops answering.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GatewayRoutesIT {
    private static final String HELLO_ROUTE = """
            - route:
                id: custom-hello
                from:
                  uri: platform-http:/custom/hello
                  parameters:
                    httpMethodRestrict: GET
                  steps:
                    - removeHeaders:
                        pattern: "*"
                    - setHeader:
                        name: Content-Type
                        constant: text/plain
                    - setHeader:
                        name: X-Slack-Api
                        constant: "{{gateway.slack.apiUrl}}"
                    - setBody:
                        constant: hello from a custom route
            """;

    /** A user's route that appends through the timeline component: the caller's credential names the event. */
    private static final String CLOUDEVENT_ROUTE = """
            - route:
                id: custom-cloudevent
                from:
                  uri: platform-http:/custom/cloudevent
                  parameters:
                    httpMethodRestrict: POST
                  steps:
                    - convertBodyTo:
                        type: byte[]
                    - to: timeline:append
                    - setBody:
                        simple: "${header.TimelineEventId} ${header.TimelineDuplicate}"
                    - removeHeaders:
                        pattern: "*"
            """;

    /** The least a user writes: the request's body straight into the timeline, whose reply is the caller's answer. */
    private static final String PLAIN_APPEND_ROUTE = """
            - routeConfiguration:
                id: custom-problems
                onException:
                  - onException:
                      exception:
                        - java.lang.Exception
                      handled:
                        constant: true
                      steps:
                        - bean:
                            ref: apiProblems
                            method: replyProblem
            - route:
                id: custom-plain-append
                routeConfigurationId: custom-problems
                from:
                  uri: platform-http:/custom/append
                  parameters:
                    httpMethodRestrict: POST
                  steps:
                    - to: timeline:append
            """;

    private Path routesDir;
    private GatewayFixture fixture;
    private HttpApi http;
    /** {@code /metrics} right after the start, before any test appended anything. */
    private String freshMetrics;

    @BeforeAll
    void start() throws Exception {
        routesDir = TempDirs.directory("gateway-routes-");
        Files.writeString(routesDir.resolve("hello.camel.yaml"), HELLO_ROUTE);
        Files.writeString(routesDir.resolve("cloudevent.camel.yaml"), CLOUDEVENT_ROUTE);
        Files.writeString(routesDir.resolve("plain-append.camel.yaml"), PLAIN_APPEND_ROUTE);
        fixture = GatewayFixture.start(TestStore.Kind.H2, Map.of("GATEWAY_ROUTES_DIR", routesDir.toString()));
        http = fixture.http();
        freshMetrics = http.get("/metrics").body();
    }

    @AfterAll
    void stop() {
        if (fixture != null) {
            fixture.close();
        }
    }

    @Test
    void routeFromTheRoutesDirIsServed() {
        Response r = http.get("/custom/hello");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("hello from a custom route");
        assertThat(r.header("X-Slack-Api")).as("a connector's setting as {{gateway.<key>}}").contains("https://slack.com/api");
        // The shipped routes are still there next to it.
        assertThat(http.get("/api/v1/stats").status()).isEqualTo(200);
    }

    @Test
    void aYamlRouteAppendsThroughTheTimelineComponentUnderTheCallersPrincipal() {
        String ce = "{\"specversion\":\"1.0\",\"id\":\"rt-1\",\"source\":\"urn:custom\",\"type\":\"dev.incidentgateway.incident.declare\","
                + "\"subject\":\"RT-1\",\"data\":{\"title\":\"From a YAML route\"}}";
        Response first = http.post("/custom/cloudevent", "application/json", java.net.http.HttpRequest.BodyPublishers.ofString(ce));
        assertThat(first.status()).as(first.toString()).isEqualTo(200);
        String[] reply = first.body().split(" ");
        assertThat(reply[1]).isEqualTo("false");
        Response again = http.post("/custom/cloudevent", "application/json", java.net.http.HttpRequest.BodyPublishers.ofString(ce));
        assertThat(again.body()).isEqualTo(reply[0] + " true");
        var events = http.get("/api/v1/incidents/RT-1/timeline").json().path("events");
        assertThat(events).hasSize(1);
        assertThat(events.get(0).path("id").asText()).isEqualTo(reply[0]);
        assertThat(events.get(0).path("principal").asText()).isEqualTo("key:test-admin");
    }

    @Test
    void aPlainAppendRouteAnswersTheStoredEventOrTheOutcomeAsJson() {
        String key = "cpu:host-" + System.nanoTime();
        String declare = "{\"specversion\":\"1.0\",\"id\":\"pa-1-%s\",\"source\":\"urn:custom\",\"type\":\"dev.incidentgateway.incident.declare\","
                + "\"data\":{\"title\":\"CPU high\",\"actor\":\"monitor\",\"correlationKey\":\"%s\"}}";
        Response first = http.post("/custom/append", "application/cloudevents+json", declare.formatted(1, key));
        assertThat(first.status()).as(first.toString()).isEqualTo(200);
        assertThat(first.contentType()).startsWith("application/json");
        String incident = first.json().path("incidentId").asText();
        assertThat(first.json().path("type").asText()).isEqualTo("declare");
        assertThat(first.json().path("principal").asText()).isEqualTo("key:test-admin");

        Response repeat = http.post("/custom/append", "application/cloudevents+json", declare.formatted(2, key));
        assertThat(repeat.status()).as(repeat.toString()).isEqualTo(200);
        assertThat(repeat.json().path("outcome").asText()).isEqualTo("correlated");
        assertThat(repeat.json().path("incidentId").asText()).isEqualTo(incident);
        assertThat(http.get("/api/v1/incidents/" + incident).json().path("alertRepeats").asInt()).isEqualTo(1);

        // Refused by the timeline: the apiProblems bean answers as the API does, not Camel's plain 500.
        Response refused = http.post("/custom/append", "application/cloudevents+json", ("{\"specversion\":\"1.0\",\"id\":\"pa-3\","
                + "\"source\":\"urn:custom\",\"type\":\"dev.incidentgateway.incident.ack\",\"subject\":\"INC-999999\",\"data\":{}}"));
        assertThat(refused.status()).as(refused.toString()).isEqualTo(404);
        assertThat(refused.contentType()).startsWith("application/problem+json");
        Response malformed = http.post("/custom/append", "application/cloudevents+json", "{\"specversion\":");
        assertThat(malformed.status()).as(malformed.toString()).isEqualTo(400);
        assertThat(malformed.json().path("detail").asText()).as("the parser's words and where, not its internals")
                .contains("not valid JSON", "at line 1").doesNotContain("REDACTED", "StreamReadFeature");
    }

    /**
     * {@code curl -XPOST …/custom/append -d '<CloudEvent>'} sends {@code application/x-www-form-urlencoded}; platform-http
     * parses that into a Map. The 400 says what to send instead of "not HashMap", and nothing is stored.
     */
    @Test
    void aCloudEventSentAsCurlsDefaultFormIsRefusedSayingToSendJson() {
        String ce = "{\"specversion\":\"1.0\",\"id\":\"form-1\",\"source\":\"urn:custom\",\"type\":\"dev.incidentgateway.incident.declare\","
                + "\"subject\":\"FORM-1\",\"data\":{\"title\":\"sent as a form\",\"actor\":\"monitor\"}}";
        Response r = http.post("/custom/append", "application/x-www-form-urlencoded", ce);
        assertThat(r.status()).as(r.toString()).isEqualTo(400);
        assertThat(r.contentType()).startsWith("application/problem+json");
        assertThat(r.json().path("field").asText()).isEqualTo("body");
        assertThat(r.json().path("detail").asText()).as(r.toString())
                .contains("got a form (Content-Type application/x-www-form-urlencoded", "send the JSON with Content-Type: application/json");
        assertThat(http.get("/api/v1/incidents/FORM-1").status()).isEqualTo(404);
    }

    @Test
    void anHttpRouteWithoutOnExceptionAnswersRefusedInputAsTheApiDoes() {
        // custom-cloudevent names no routeConfigurationId and has no onException: the global one answers its failures.
        double counted = http.metric("gateway_http_errors_total{status=\"422\"}");
        Response invalid = http.post("/custom/cloudevent", "application/json", java.net.http.HttpRequest.BodyPublishers.ofString(
                "{\"specversion\":\"1.0\",\"id\":\"rt-bad\",\"source\":\"urn:custom\",\"type\":\"com.example.unknown\"}"));
        assertThat(invalid.status()).as(invalid.toString()).isEqualTo(422); // as POST /webhooks/cloudevents answers it
        assertThat(invalid.contentType()).startsWith("application/problem+json");
        assertThat(invalid.json().path("field").asText()).isEqualTo("type");
        assertThat(invalid.json().path("instance").asText()).isEqualTo("/custom/cloudevent");
        assertThat(http.metric("gateway_http_errors_total{status=\"422\"}") - counted).as("counted in gateway_http_errors_total like the API's own answers").isEqualTo(1.0);

        Response unknownIncident = http.post("/custom/cloudevent", "application/json", java.net.http.HttpRequest.BodyPublishers.ofString(
                "{\"specversion\":\"1.0\",\"id\":\"rt-404\",\"source\":\"urn:custom\",\"type\":\"dev.incidentgateway.incident.ack\","
                        + "\"subject\":\"RT-404404\",\"data\":{}}"));
        assertThat(unknownIncident.status()).as(unknownIncident.toString()).isEqualTo(404);
        assertThat(unknownIncident.contentType()).startsWith("application/problem+json");
        assertThat(http.get("/api/v1/incidents/RT-404404").status()).isEqualTo(404);
    }


    @Test
    void aRoutesDirThatDoesNotExistFailsCreateNamingTheVariable() {
        Path missing = routesDir.resolve("does-not-exist");
        assertThatThrownBy(() -> Gateway.create(fixture.store().config(Map.of("GATEWAY_ROUTES_DIR", missing.toString()))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("GATEWAY_ROUTES_DIR");
    }

    @Test
    void statsRouteCountsIncidentsByStatus() {
        Map<String, Long> before = stats();
        for (String id : List.of("STAT-1", "STAT-2", "STAT-3")) {
            assertThat(http.postJson("/api/v1/incidents", obj("id", id, "title", "stats", "actor", "a")).status()).isEqualTo(201);
        }
        assertThat(http.postJson("/api/v1/incidents/STAT-2/events", obj("type", "ack", "actor", "b")).status()).isEqualTo(201);
        assertThat(http.postJson("/api/v1/incidents/STAT-3/events", obj("type", "resolve", "actor", "b")).status()).isEqualTo(201);

        Map<String, Long> after = stats();
        Map<String, Long> delta = new HashMap<>();
        after.forEach((status, n) -> {
            long d = n - before.getOrDefault(status, 0L);
            if (d != 0) {
                delta.put(status, d);
            }
        });
        assertThat(delta).isEqualTo(Map.of("declared", 1L, "acknowledged", 1L, "resolved", 1L));
    }

    private Map<String, Long> stats() {
        Response r = http.get("/api/v1/stats");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.contentType()).startsWith("application/json");
        JsonNode array = r.json();
        assertThat(array.isArray()).as(r.body()).isTrue();
        Map<String, Long> out = new HashMap<>();
        for (JsonNode row : array) {
            assertThat(row.path("status").isTextual()).as("status in %s", row).isTrue();
            assertThat(row.path("count").isIntegralNumber()).as("count is a number in %s", row).isTrue();
            assertThat(row.size()).as("only status and count: %s", row).isEqualTo(2);
            out.put(row.path("status").asText(), row.path("count").asLong());
        }
        return out;
    }

    @Test
    void metricsExposeAppendCountersAndLatency() {
        assertThat(http.postJson("/api/v1/incidents", obj("id", "MET-1", "title", "metrics", "actor", "a")).status()).isEqualTo(201);
        assertThat(http.postJson("/api/v1/incidents/MET-1/events", obj("type", "note", "actor", "b", "content", "n")).status()).isEqualTo(201);

        Response r = http.get("/metrics");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.contentType()).startsWith("text/plain");
        List<String> lines = r.body().lines().filter(l -> !l.startsWith("#")).toList();
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("gateway_appends_total{").contains("type=\"declare\""));
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("gateway_appends_total{").contains("type=\"note\""));
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("gateway_append_latency_seconds"));
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("gateway_append_latency_seconds_count"));
    }

    @Test
    void errorAndDropCountersAreThereAtZeroFromTheStartForRateAlerts() {
        for (String reason : List.of("CircuitOpen", "AppendTimeout", "AppendOutcomeUnknownException", "StoreUnreachableException",
                "StoreUnavailableException", "IncidentExistsException", "TransitionRefusedException", "SeqConflictException",
                "IncidentNotFoundException", "InvalidEventException")) {
            assertThat(freshMetrics).containsPattern(atZero("gateway_append_errors_total", reason));
        }
        for (String reason : List.of("overflow", "stalled", "replay-failed")) {
            assertThat(freshMetrics).containsPattern(atZero("gateway_stream_dropped_total", reason));
        }
    }

    private static String atZero(String counter, String reason) {
        return "(?m)^" + counter + "\\{[^}]*reason=\"" + java.util.regex.Pattern.quote(reason) + "\"[^}]*\\} 0(\\.0)?$";
    }

    @Test
    void healthIsDownAndWritesAnswer503WhenTheDatabaseIsGone() throws Exception {
        try (TestStore own = TestStore.create(TestStore.Kind.H2)) {
            String key = TestApiKeys.create(own.config(), "writer", Set.of(Scope.WRITE, Scope.READ));
            try (Gateway g = Gateway.create(own.config()).start()) {
                healthIsDownAndWritesAnswer503(g, new HttpApi(g.port(), key));
            }
        }
    }

    private void healthIsDownAndWritesAnswer503(Gateway g, HttpApi api) {
        Response up = api.get("/health");
        assertThat(up.status()).as(up.toString()).isEqualTo(200);
        assertThat(up.json().path("status").asText()).isEqualTo("UP");
        assertThat(api.postJson("/api/v1/incidents", obj("id", "DOWN-1", "title", "before", "actor", "a")).status()).isEqualTo(201);

        g.dataSource().close(); // the database no longer answers

        // /health reads the background store probe (every 0.5 s), so DOWN shows within a few seconds, not at once
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).pollInterval(java.time.Duration.ofMillis(100))
                .until(() -> api.get("/health").status() == 503);
        Response down = api.get("/health");
        assertThat(down.status()).as(down.toString()).isEqualTo(503);
        assertThat(down.contentType()).startsWith("application/json");
        assertThat(down.json().path("status").asText()).isEqualTo("DOWN");

        Response declare = api.postJson("/api/v1/incidents", obj("title", "during outage", "actor", "a"));
        assertThat(declare.status()).as("a write while the store is down: %s", declare).isEqualTo(503);
        assertThat(declare.header("Retry-After")).as("Retry-After on %s", declare).isPresent();
        assertThat(declare.contentType()).startsWith("application/problem+json");
        assertThat(declare.json().path("status").asInt()).isEqualTo(503);

        Response append = api.postJson("/api/v1/incidents/DOWN-1/events", obj("type", "note", "actor", "a", "content", "n"));
        assertThat(append.status()).as("an append while the store is down: %s", append).isEqualTo(503);
        assertThat(append.header("Retry-After")).isPresent();

        // The shipped stats route (camel-jdbc, no onException of its own) answers the store's trouble the same way.
        Response stats = api.get("/api/v1/stats");
        assertThat(stats.status()).as("stats while the store is down: %s", stats).isEqualTo(503);
        assertThat(stats.header("Retry-After")).as("Retry-After on %s", stats).isPresent();
        assertThat(stats.contentType()).startsWith("application/problem+json");
    }
}
