package dev.incidentgateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.incidentgateway.api.OpenApiExchanges.Call;
import dev.incidentgateway.connectors.slack.FakeSlack;
import dev.incidentgateway.security.Scope;
import dev.incidentgateway.stream.StreamHttpHandler;
import dev.incidentgateway.testsupport.GatewayFixture;
import dev.incidentgateway.testsupport.HttpApi;
import dev.incidentgateway.testsupport.HttpApi.Response;
import dev.incidentgateway.testsupport.TestApiKeys;
import dev.incidentgateway.testsupport.TestStore;
import io.swagger.v3.oas.models.OpenAPI;
import org.apache.camel.Route;
import org.apache.camel.component.platform.http.PlatformHttpEndpoint;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static dev.incidentgateway.api.OpenApiExchanges.Call.get;
import static dev.incidentgateway.api.OpenApiExchanges.Call.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The OpenAPI document against a running gateway (H2): its operations are exactly the HTTP routes the gateway serves
 * (read from its CamelContext, plus the live stream, which is no Camel route), and real requests to every operation —
 * each answered with success once and with its main refusals (401, 403, 400 naming the field, 404, 409 …) — conform to
 * it, request and answer alike (status listed, headers, body against the schema; see {@link OpenApiExchanges}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpenApiContractIT {
    private static final String JSON = "application/json";
    private static final String WEBHOOK_TOKEN = "openapi-webhook-token";

    private final OpenAPI document = OpenApiDocumentTest.parsed();
    private FakeSlack slack;
    private GatewayFixture fixture;
    private OpenApiExchanges calls;
    private String admin;
    private final Map<Scope, String> keyWithOnly = new HashMap<>();

    @BeforeAll
    void start() throws Exception {
        slack = new FakeSlack();
        slack.misconfigure("invalid_auth"); // every delivery dead at once: outbox rows to replay and skip
        Map<String, String> env = new HashMap<>(slack.env());
        env.put("GATEWAY_WEBHOOK_TOKEN", WEBHOOK_TOKEN);
        env.put("GATEWAY_CHECKPOINT_INTERVAL_S", "1");
        fixture = GatewayFixture.start(TestStore.Kind.H2, env);
        admin = fixture.adminKey();
        var keys = TestApiKeys.store(fixture.store().config(), fixture.gateway().dataSource());
        for (Scope scope : List.of(Scope.READ, Scope.WRITE, Scope.OPERATE, Scope.METRICS)) {
            keyWithOnly.put(scope, TestApiKeys.create(keys, "openapi-" + scope.wireName(), Set.of(scope)));
        }
        HttpApi probe = fixture.http().withBearer(keyWithOnly.get(Scope.METRICS));
        await().atMost(Duration.ofSeconds(15)).until(() -> probe.get("/metrics").status() == 200);
        calls = new OpenApiExchanges(fixture.gateway().port(), new String(OpenApiRoute.document(), StandardCharsets.UTF_8),
                List.copyOf(document.getPaths().keySet()));
    }

    @AfterAll
    void stop() {
        if (fixture != null) {
            fixture.close();
        }
        if (slack != null) {
            slack.close();
        }
    }

    private String key(Scope scope) {
        return keyWithOnly.get(scope);
    }

    /** "METHOD /path/{param}" of every HTTP route in the running CamelContext, and the live stream. */
    private Set<String> servedOperations() {
        Set<String> out = new TreeSet<>();
        for (Route route : fixture.gateway().camelContext().getRoutes()) {
            if (route.getEndpoint() instanceof PlatformHttpEndpoint http) {
                for (String m : http.getHttpMethodRestrict().split("\\s*,\\s*")) {
                    out.add(m.toUpperCase(Locale.ROOT) + " " + http.getPath());
                }
            }
        }
        out.add("GET " + StreamHttpHandler.PATH); // served by the HTTP server itself (x-served-by in the document)
        return out;
    }

    @Test
    void theDocumentsOperationsAreExactlyTheRoutesTheGatewayServes() {
        Set<String> documented = OpenApiDocumentTest.operations(document).stream().map(Object::toString)
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(documented).as("documented operations against the routes of the running gateway")
                .containsExactlyInAnyOrderElementsOf(servedOperations());
    }

    @Test
    void theJsonDocumentIsTheYamlDocument() throws Exception {
        Response yaml = calls.valid(get("/api/v1/openapi.yaml", key(Scope.READ)));
        Response json = calls.valid(get("/api/v1/openapi.json", key(Scope.READ)));
        assertThat(yaml.contentType()).startsWith("application/yaml");
        assertThat(yaml.body()).isEqualTo(new String(OpenApiRoute.document(), StandardCharsets.UTF_8));
        JsonNode fromYaml = new YAMLMapper().readTree(yaml.body());
        assertThat(json.json()).isEqualTo(fromYaml);
    }

    @Test
    void everyOperationAnswersAsDocumented() {
        probesAndConsole();
        String inc = incidentsAndEvents();
        readsOf(inc);
        resolvedAndClosed(inc);
        webhooks();
        outbox();
        Response checkpoint = await().atMost(Duration.ofSeconds(20)).until(
                () -> calls.valid(get("/api/v1/audit/checkpoint", key(Scope.READ))), r -> r.status() == 200);
        assertThat(checkpoint.json().path("publicKeyPem").asText()).contains("PUBLIC KEY");

        assertThat(calls.failures()).as("exchanges that do not conform to the document").isEmpty();
        Set<String> withoutSuccess = OpenApiDocumentTest.operations(document).stream().map(Object::toString)
                .filter(op -> calls.statuses().getOrDefault(op, Set.of()).stream().noneMatch(s -> s >= 200 && s < 300))
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(withoutSuccess).as("operations this test never saw succeed: %s", calls.statuses()).isEmpty();
    }

    private void probesAndConsole() {
        assertThat(calls.valid(get("/health", null)).status()).isEqualTo(200);
        assertThat(calls.valid(get("/health", key(Scope.READ))).json().has("checks")).isTrue();
        assertThat(calls.valid(get("/health/ready", null)).status()).isEqualTo(200);
        assertThat(calls.valid(get("/health/live", null)).status()).isEqualTo(200);
        assertThat(calls.valid(get("/", null)).status()).isEqualTo(200);
        assertThat(calls.valid(get("/console/console.css", null)).status()).isEqualTo(200);
        assertThat(calls.valid(get("/console/features.json", null)).status()).isEqualTo(200);
        assertThat(calls.refused(get("/console/nothing.js", null)).status()).isEqualTo(404);
        assertThat(calls.valid(get("/metrics", key(Scope.METRICS))).status()).isEqualTo(200);
        assertThat(calls.refused(get("/metrics", key(Scope.READ))).status()).isEqualTo(403);
        // Before the first event there is no checkpoint.
        assertThat(calls.valid(get("/api/v1/audit/checkpoint", key(Scope.READ))).status()).isEqualTo(404);
    }

    /** Declares, events and their refusals; the id of an incident with several events. */
    private String incidentsAndEvents() {
        String declare = "{\"title\":\"Checkout down\",\"actor\":\"alice\",\"severity\":\"sev2\",\"correlationKey\":\"openapi:1\","
                + "\"data\":{\"service\":\"checkout\"}}";
        Response declared = calls.valid(post("/api/v1/incidents", key(Scope.WRITE), JSON, declare, "Idempotency-Key", "openapi-d1"));
        assertThat(declared.status()).isEqualTo(201);
        String id = declared.json().path("id").asText();
        assertThat(calls.valid(post("/api/v1/incidents", key(Scope.WRITE), JSON, declare, "Idempotency-Key", "openapi-d1")).status())
                .as("the same Idempotency-Key").isEqualTo(200);
        Response correlated = calls.valid(post("/api/v1/incidents", key(Scope.WRITE), JSON,
                "{\"title\":\"Checkout down again\",\"actor\":\"bob\",\"severity\":\"sev1\",\"correlationKey\":\"openapi:1\"}"));
        assertThat(correlated.json().path("correlated").asBoolean()).isTrue();
        assertThat(correlated.json().path("escalation").path("type").asText()).isEqualTo("state_change");

        Response taken = calls.valid(post("/api/v1/incidents", key(Scope.WRITE), JSON,
                "{\"title\":\"t\",\"actor\":\"a\",\"id\":\"" + id + "\"}"));
        assertThat(taken.status()).isEqualTo(409);
        assertThat(taken.json().path("field").asText()).isEqualTo("id");
        Response misspelt = calls.refused(post("/api/v1/incidents", key(Scope.WRITE), JSON, "{\"title\":\"t\",\"actor\":\"a\",\"sevrity\":\"sev1\"}"));
        assertThat(misspelt.status()).isEqualTo(400);
        assertThat(misspelt.json().path("field").asText()).isEqualTo("sevrity");
        assertThat(calls.refused(post("/api/v1/incidents", key(Scope.WRITE), JSON, "{\"title\":")).json().path("field").asText())
                .isEqualTo("body");
        assertThat(calls.refused(post("/api/v1/incidents", key(Scope.WRITE), "text/plain", "hello")).status()).isEqualTo(415);
        assertThat(calls.refused(post("/api/v1/incidents", key(Scope.WRITE), JSON,
                "{\"title\":\"" + "x".repeat(1_100_000) + "\",\"actor\":\"a\"}")).status()).isEqualTo(413);
        assertThat(calls.refused(post("/api/v1/incidents", null, JSON, declare)).status()).isEqualTo(401);
        assertThat(calls.refused(post("/api/v1/incidents", "igw_" + "0".repeat(43), JSON, declare)).status()).isEqualTo(401);
        Response forbidden = calls.valid(post("/api/v1/incidents", key(Scope.READ), JSON, declare));
        assertThat(forbidden.status()).isEqualTo(403);
        assertThat(forbidden.json().path("requiredScope").asText()).isEqualTo("write");

        String events = "/api/v1/incidents/" + id + "/events";
        assertThat(calls.valid(post(events, key(Scope.WRITE), JSON, "{\"type\":\"ack\",\"actor\":\"alice\"}",
                "Idempotency-Key", "openapi-ack")).status()).isEqualTo(201);
        assertThat(calls.valid(post(events, key(Scope.WRITE), JSON, "{\"type\":\"ack\",\"actor\":\"alice\"}",
                "Idempotency-Key", "openapi-ack")).status()).isEqualTo(200);
        Response close = calls.valid(post(events, key(Scope.WRITE), JSON, "{\"type\":\"close\",\"actor\":\"alice\"}"));
        assertThat(close.status()).isEqualTo(409);
        assertThat(close.json().path("allowedTypes").isArray()).isTrue();
        Response seq = calls.valid(post(events, key(Scope.WRITE), JSON, "{\"type\":\"note\",\"actor\":\"a\",\"content\":\"c\",\"expectedSeq\":1}"));
        assertThat(seq.status()).isEqualTo(409);
        assertThat(seq.json().path("actualSeq").isIntegralNumber()).isTrue();
        Response emptyNote = calls.valid(post(events, key(Scope.WRITE), JSON, "{\"type\":\"note\",\"actor\":\"a\"}"));
        assertThat(emptyNote.status()).isEqualTo(400);
        assertThat(emptyNote.json().path("field").asText()).isEqualTo("content");
        assertThat(calls.valid(post("/api/v1/incidents/NOPE-404/events", key(Scope.WRITE), JSON,
                "{\"type\":\"ack\",\"actor\":\"a\"}")).status()).isEqualTo(404);
        assertThat(calls.valid(post(events, key(Scope.WRITE), JSON,
                "{\"type\":\"role_assign\",\"actor\":\"a\",\"data\":{\"role\":\"commander\",\"assignee\":\"carol\"}}")).status())
                .isEqualTo(201);
        return id;
    }

    private void readsOf(String id) {
        String read = key(Scope.READ);
        assertThat(calls.valid(get("/api/v1/incidents?status=open&severity=sev1,sev2&limit=10", read)).status()).isEqualTo(200);
        Response unknownParameter = calls.refused(get("/api/v1/incidents?stauts=closed", read));
        assertThat(unknownParameter.json().path("acceptedParameters").isArray()).isTrue();
        assertThat(calls.refused(get("/api/v1/incidents?limit=0", read)).json().path("field").asText()).isEqualTo("limit");
        assertThat(calls.valid(get("/api/v1/incidents/" + id, read)).json().path("commander").asText()).isEqualTo("carol");
        assertThat(calls.valid(get("/api/v1/incidents/NOPE-404", read)).status()).isEqualTo(404);
        assertThat(calls.refused(get("/api/v1/incidents/" + id, null)).status()).isEqualTo(401);
        assertThat(calls.refused(get("/api/v1/incidents/" + id, key(Scope.METRICS))).status()).isEqualTo(403);
        assertThat(calls.valid(get("/api/v1/incidents/" + id + "/timeline?limit=2", read)).json().path("nextAfter").isTextual()).isTrue();
        assertThat(calls.refused(get("/api/v1/incidents/" + id + "/timeline?after=nope", read)).status()).isEqualTo(400);
        assertThat(calls.valid(get("/api/v1/incidents/NOPE-404/timeline", read)).status()).isEqualTo(404);
        assertThat(calls.valid(get("/api/v1/incidents/" + id + "/verify", read)).json().path("intact").asBoolean()).isTrue();
        assertThat(calls.valid(get("/api/v1/incidents/NOPE-404/verify", read)).status()).isEqualTo(404);
        assertThat(calls.valid(get("/api/v1/incidents/" + id + "/sla", read)).json().path("targets").size()).isPositive();
        assertThat(calls.valid(get("/api/v1/incidents/NOPE-404/sla", read)).status()).isEqualTo(404);
        Response batch = calls.valid(get("/api/v1/sla?incident=" + id + ",NOPE-404", read));
        assertThat(batch.json().path("incidents")).hasSize(1);
        assertThat(batch.json().path("incidents").get(0).path("incidentId").asText()).isEqualTo(id);
        assertThat(calls.refused(get("/api/v1/sla?incident=", read)).json().path("field").asText()).isEqualTo("incident");
        Response page = calls.valid(get("/api/v1/events?limit=1", read));
        assertThat(page.header("Link")).isPresent();
        assertThat(calls.refused(get("/api/v1/events?incident=" + id, read)).json().path("field").asText()).isEqualTo("incident");
        String from = Instant.now().minus(Duration.ofDays(1)).toString();
        assertThat(calls.valid(get("/api/v1/reports/sla?from=" + from, read)).json().path("severities").has("sev1")).isTrue();
        assertThat(calls.refused(get("/api/v1/reports/sla?from=yesterday", read)).json().path("field").asText()).isEqualTo("from");
        assertThat(calls.valid(get("/api/v1/sources", read)).status()).isEqualTo(200);
        assertThat(calls.valid(get("/api/v1/stats", read)).status()).isEqualTo(200);
        assertThat(calls.valid(get("/api/v1/whoami", read)).json().path("principal").asText()).isEqualTo("key:openapi-read");
        assertThat(calls.valid(get(StreamHttpHandler.PATH + "?incident=" + id + "&types=ack,resolve", read)).status()).isEqualTo(200);
        assertThat(calls.refused(get(StreamHttpHandler.PATH + "?incident=not%20an%20id", read)).json().path("field").asText())
                .isEqualTo("incident");
        assertThat(calls.refused(get(StreamHttpHandler.PATH, null)).status()).isEqualTo(401);
    }

    /** A finished incident: its stopped clocks (completedAt, metAt or breachedAt) and a refused change of a closed one. */
    private void resolvedAndClosed(String id) {
        String events = "/api/v1/incidents/" + id + "/events";
        assertThat(calls.valid(post(events, key(Scope.WRITE), JSON, "{\"type\":\"resolve\",\"actor\":\"alice\",\"content\":\"fixed\"}"))
                .status()).isEqualTo(201);
        assertThat(calls.valid(post(events, key(Scope.WRITE), JSON, "{\"type\":\"close\",\"actor\":\"alice\"}")).status()).isEqualTo(201);
        Response sla = calls.valid(get("/api/v1/incidents/" + id + "/sla", key(Scope.READ)));
        assertThat(sla.json().path("targets").get(0).has("completedAt")).isTrue();
        Response closed = calls.valid(post(events, key(Scope.WRITE), JSON,
                "{\"type\":\"state_change\",\"actor\":\"a\",\"data\":{\"severity\":\"sev3\",\"reason\":\"r\"}}"));
        assertThat(closed.status()).isEqualTo(409);
        assertThat(closed.json().path("currentStatus").asText()).isEqualTo("closed");
        assertThat(calls.refused(get("/api/v1/incidents?status=bogus", key(Scope.READ))).json().path("field").asText()).isEqualTo("status");
        Response twice = calls.refused(post(events, key(Scope.WRITE), JSON, "{\"type\":\"note\",\"actor\":\"a\",\"content\":\"c\"}",
                "Idempotency-Key", "one", "Idempotency-Key", "two"));
        assertThat(twice.json().path("field").asText()).isEqualTo("Idempotency-Key");
        assertThat(calls.valid(get("/api/v1/reports/sla", key(Scope.READ))).status()).isEqualTo(200);
    }

    private void webhooks() {
        String alert = "{\"version\":\"4\",\"status\":\"firing\",\"alerts\":[{\"status\":\"firing\",\"fingerprint\":\"0a1b2c3d4e5f6789\","
                + "\"labels\":{\"alertname\":\"DiskFull\",\"severity\":\"critical\"},\"annotations\":{\"summary\":\"Disk full\"},"
                + "\"startsAt\":\"" + Instant.now() + "\",\"endsAt\":\"0001-01-01T00:00:00Z\"}]}";
        Response accepted = calls.valid(post("/webhooks/alertmanager", WEBHOOK_TOKEN, JSON, alert));
        assertThat(accepted.json().path("accepted").size()).isEqualTo(1);
        assertThat(calls.valid(post("/webhooks/alertmanager", WEBHOOK_TOKEN, JSON, alert)).json().path("duplicates").size()).isEqualTo(1);
        Response wrongToken = calls.valid(post("/webhooks/alertmanager", "not-the-token", JSON, alert));
        assertThat(wrongToken.status()).isEqualTo(401);
        assertThat(calls.valid(post("/webhooks/nosuchsource", WEBHOOK_TOKEN, JSON, alert)).status()).isEqualTo(404);
        assertThat(calls.refused(post("/webhooks/alertmanager", WEBHOOK_TOKEN, JSON, "{\"alerts\":")).status()).isEqualTo(400);
        String cloudEvent = "{\"specversion\":\"1.0\",\"id\":\"openapi-ce-1\",\"source\":\"urn:openapi\","
                + "\"type\":\"dev.incidentgateway.incident.declare\",\"subject\":\"CE-1\",\"datacontenttype\":\"application/json\","
                + "\"data\":{\"title\":\"From a CloudEvent\",\"actor\":\"ci\"}}";
        assertThat(calls.valid(post("/webhooks/cloudevents", WEBHOOK_TOKEN, "application/cloudevents+json", cloudEvent))
                .json().path("accepted").size()).isEqualTo(1);
        assertThat(calls.valid(post("/webhooks/cloudevents", WEBHOOK_TOKEN, "application/cloudevents+json",
                cloudEvent.replace("openapi-ce-1", "openapi-ce-2").replace("incident.declare", "deployment.finished"))).status())
                .isEqualTo(422);
        assertThat(calls.refused(post("/webhooks/alertmanager", WEBHOOK_TOKEN, "text/plain", "firing")).status()).isEqualTo(415);
    }

    private void outbox() {
        String read = key(Scope.READ);
        String operate = key(Scope.OPERATE);
        Response dead = await().atMost(Duration.ofSeconds(20)).until(
                () -> calls.valid(get("/api/v1/outbox?connector=slack&status=dead&limit=10", read)),
                r -> r.status() == 200 && r.json().path("items").size() >= 2);
        long first = dead.json().path("items").get(0).path("id").asLong();
        long second = dead.json().path("items").get(1).path("id").asLong();
        assertThat(calls.valid(post("/api/v1/outbox/" + first + "/skip", operate, null, null)).json().path("status").asText())
                .isEqualTo("skipped");
        assertThat(calls.valid(post("/api/v1/outbox/" + first + "/skip", operate, null, null)).status()).as("skipped already").isEqualTo(409);
        assertThat(calls.valid(post("/api/v1/outbox/" + second + "/replay", operate, null, null)).status()).isEqualTo(200);
        assertThat(calls.valid(post("/api/v1/outbox/999999/replay", operate, null, null)).status()).isEqualTo(404);
        assertThat(calls.valid(post("/api/v1/outbox/" + first + "/replay", read, null, null)).status()).isEqualTo(403);
        assertThat(calls.valid(post("/api/v1/outbox/replay?connector=slack&deadReason=invalid_auth", operate, null, null)).status())
                .isEqualTo(200);
        assertThat(calls.valid(post("/api/v1/outbox/replay?connector=nosuchconnector", operate, null, null)).json().path("field").asText())
                .isEqualTo("connector");
        assertThat(calls.refused(get("/api/v1/outbox?status=lost", read)).json().path("field").asText()).isEqualTo("status");
    }
}
