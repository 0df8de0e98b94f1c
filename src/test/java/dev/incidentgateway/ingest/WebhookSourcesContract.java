package dev.incidentgateway.ingest;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.incidentgateway.testsupport.CapturedLogs;
import dev.incidentgateway.testsupport.GatewayFixture;
import dev.incidentgateway.testsupport.FeedMark;
import dev.incidentgateway.testsupport.HttpApi;
import dev.incidentgateway.testsupport.HttpApi.Response;
import dev.incidentgateway.testsupport.TestStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import static dev.incidentgateway.ingest.WebhookFixtures.bytes;
import static dev.incidentgateway.ingest.WebhookFixtures.edited;
import static dev.incidentgateway.ingest.WebhookFixtures.pagerDutySignature;
import static dev.incidentgateway.ingest.WebhookFixtures.standardWebhooksSignature;
import static dev.incidentgateway.ingest.WebhookFixtures.startsAt;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shipped webhook sources (Alertmanager, Grafana, PagerDuty, Datadog) fed their vendors' fixture payloads,
 * and sources declared only by a YAML file in {@code GATEWAY_CONNECTORS_DIR} (Standard Webhooks, an explicitly
 * open one, one whose secret is unset), over real HTTP on each kind of store. One gateway per class, started
 * with every secret the sources need; the store-down test runs last because it closes the store.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class WebhookSourcesContract {
    static final String TOKEN = "gw-token-" + UUID.randomUUID();
    static final String PAGERDUTY_SECRET = "pd-secret-" + UUID.randomUUID();
    static final String DATADOG_TOKEN = "dd-token-" + UUID.randomUUID();
    static final String[] BEARER = {"Authorization", "Bearer " + TOKEN};
    static final String[] DATADOG_BEARER = {"Authorization", "Bearer " + DATADOG_TOKEN};
    final String acmeSecret = WebhookFixtures.newStandardWebhooksSecret();

    GatewayFixture fixture;
    HttpApi http;
    Path connectorsDir;
    /** Every log event of the gateway while this class runs (secrets must never appear; open sources warn). */
    CapturedLogs logs;

    abstract TestStore.Kind kind();

    @BeforeAll
    void start() throws Exception {
        if (!GatewayFixture.available(kind())) {
            return;
        }
        logs = CapturedLogs.root();
        connectorsDir = Files.createTempDirectory("gateway-connectors-");
        writeDescriptors(connectorsDir);
        fixture = GatewayFixture.start(kind(), Map.of(
                "GATEWAY_WEBHOOK_TOKEN", TOKEN,
                "PAGERDUTY_WEBHOOK_SECRET", PAGERDUTY_SECRET,
                "DATADOG_WEBHOOK_TOKEN", DATADOG_TOKEN,
                "ACME_SECRET", acmeSecret,
                "GATEWAY_CONNECTORS_DIR", connectorsDir.toString()));
        http = fixture.http();
    }

    @BeforeEach
    void requireStore() {
        GatewayFixture.assumeStore(kind());
    }

    @AfterAll
    void stop() throws IOException {
        try {
            if (fixture != null) {
                fixture.close();
                assertNoSecretWasEverLogged(); // every test's logs and the shutdown's, not only those before one test ran
            }
        } finally {
            if (logs != null) {
                logs.close();
            }
            if (connectorsDir != null) {
                try (Stream<Path> files = Files.walk(connectorsDir)) {
                    for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                        Files.deleteIfExists(p);
                    }
                }
            }
        }
    }


    /** Sources that exist only as files in the connectors directory. */
    private static void writeDescriptors(Path dir) throws IOException {
        String mapping = """
                mapping:
                  correlationKey: "$.check"
                  eventType:
                    path: "$.state"
                    values: { down: declare, up: resolve }
                  title: "$.summary"
                  severity: "$.sev"
                  actor: "$.by"
                  eventId: "$.id"
                  data:
                    region: "$.region"
                """;
        Files.writeString(dir.resolve("acme.yaml"), """
                # A third-party monitor signing with Standard Webhooks, declared by this file alone.
                kind: webhook-source
                name: acme
                mapper: jsonpath
                auth:
                  mode: standard-webhooks
                  secretEnv: ACME_SECRET
                """ + mapping);
        Files.writeString(dir.resolve("openhook.yaml"), """
                kind: webhook-source
                name: openhook
                mapper: jsonpath
                auth: {mode: none}
                """ + mapping);
        Files.writeString(dir.resolve("batchhook.yaml"), """
                # A machine sender that resends every alert's state in each batch.
                kind: webhook-source
                name: batchhook
                mapper: jsonpath
                auth: {mode: none}
                mapping:
                  items: "$.alerts[*]"
                  correlationKey: "$.check"
                  eventType:
                    path: "$.state"
                    values: { firing: declare, acked: ack, mitigated: mitigate, resolved: resolve }
                  title: "$.summary"
                """);
        Files.writeString(dir.resolve("dormant.yaml"), """
                # Names a secret of its own that is not set, and does not say enabled: true → stays off.
                kind: webhook-source
                name: dormant
                mapper: jsonpath
                auth:
                  mode: hmac-sha256-hex
                  secretEnv: DORMANT_SECRET_NOT_SET_%s
                """.formatted(UUID.randomUUID().toString().replace("-", "").toUpperCase()) + mapping);
    }

    // ---------------------------------------------------------------- helpers

    Response post(String source, byte[] body, String... headers) {
        return http.post("/webhooks/" + source, "application/json", HttpRequest.BodyPublishers.ofByteArray(body), headers);
    }

    Response ok(Response r) {
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.contentType()).as(r.toString()).startsWith("application/json");
        return r;
    }

    static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    static List<String> accepted(Response r) {
        return texts(r.json().path("accepted"));
    }

    static List<String> duplicates(Response r) {
        return texts(r.json().path("duplicates"));
    }

    static int ignored(Response r) {
        return r.json().path("ignored").asInt(-1);
    }

    /** Event id → incident id, from the Since feed (CloudEvents: id and subject). */
    Map<String, String> incidentsByEvent() {
        Response r = http.get("/api/v1/events?limit=1000");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        Map<String, String> out = new HashMap<>();
        for (JsonNode ce : r.json()) {
            out.put(ce.path("id").asText(), ce.path("subject").asText());
        }
        return out;
    }

    String incidentOf(String eventId) {
        String id = incidentsByEvent().get(eventId);
        assertThat(id).as("incident of event %s", eventId).isNotNull();
        return id;
    }

    int eventCount() {
        return FeedMark.requestEventCount(http);
    }

    JsonNode incident(String id) {
        Response r = http.get("/api/v1/incidents/" + id);
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.json();
    }

    /**
     * The incident's events from its sources, without the SLA tracker's notes: the fixtures' 2024 times make warnings and
     * breaches due at once, and the tracker may append them between two of a test's requests.
     */
    JsonNode timeline(String id) {
        Response r = http.get("/api/v1/incidents/" + id + "/timeline?limit=1000");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        com.fasterxml.jackson.databind.node.ArrayNode fromSources = HttpApi.JSON.createArrayNode();
        r.json().path("events").forEach(e -> {
            if (!e.path("principal").asText().equals("system:sla")) {
                fromSources.add(e);
            }
        });
        return fromSources;
    }

    List<String> timelineTypes(String id) {
        List<String> out = new ArrayList<>();
        timeline(id).forEach(e -> {
            if (FeedMark.fromRequest(e)) {
                out.add(e.path("type").asText());
            }
        });
        return out;
    }

    static void assertUnauthorized(Response r, String... secretsNotToEcho) {
        assertThat(r.status()).as(r.toString()).isEqualTo(401);
        assertThat(r.contentType()).as(r.toString()).startsWith("application/problem+json");
        for (String s : secretsNotToEcho) {
            assertThat(r.body()).doesNotContain(s);
        }
    }

    // ---------------------------------------------------------------- Alertmanager

    @Test
    void alertmanagerFixturesDeclareRepeatResolveAndFireAgainAsNewIncidents() {
        JsonNode fixture = WebhookFixtures.json("alertmanager-firing.json");
        byte[] firing = bytes("alertmanager-firing.json");
        byte[] resolved = bytes("alertmanager-resolved.json");

        Response first = ok(post("alertmanager", firing, BEARER));
        List<String> declares = accepted(first);
        assertThat(declares).hasSize(2);
        assertThat(duplicates(first)).isEmpty();
        assertThat(ignored(first)).isZero();
        String critical = incidentOf(declares.get(0));
        String warning = incidentOf(declares.get(1));
        assertThat(critical).isNotEqualTo(warning);
        JsonNode criticalView = incident(critical);
        assertThat(criticalView.path("severity").asText()).isEqualTo("sev1"); // labels.severity: critical
        assertThat(criticalView.path("status").asText()).isEqualTo("declared");
        assertThat(criticalView.path("title").asText()).isEqualTo("KubePodCrashLooping: Pod is crash looping.");
        assertThat(incident(warning).path("severity").asText()).isEqualTo("sev3"); // labels.severity: warning
        assertThat(timeline(critical).get(0).path("data").path("fingerprint").asText())
                .isEqualTo(fixture.path("alerts").get(0).path("fingerprint").asText());
        assertThat(timeline(warning).get(0).path("data").path("fingerprint").asText())
                .isEqualTo(fixture.path("alerts").get(1).path("fingerprint").asText());

        // Alertmanager re-sends the group every repeat_interval: nothing appended, both reported as duplicates.
        Response repeat = ok(post("alertmanager", firing, BEARER));
        assertThat(accepted(repeat)).isEmpty();
        assertThat(duplicates(repeat)).containsExactlyElementsOf(declares);
        assertThat(timelineTypes(critical)).containsExactly("declare");
        assertThat(timelineTypes(warning)).containsExactly("declare");
        assertThat(incident(critical).path("alertRepeats").asLong()).isEqualTo(1);

        Response resolve = ok(post("alertmanager", resolved, BEARER));
        assertThat(accepted(resolve)).hasSize(2);
        for (String id : List.of(critical, warning)) {
            assertThat(incident(id).path("status").asText()).isEqualTo("resolved");
            assertThat(timelineTypes(id)).containsExactly("declare", "resolve");
        }

        // Redelivering either notification after the resolve changes nothing.
        Response lateFiring = ok(post("alertmanager", firing, BEARER));
        assertThat(accepted(lateFiring)).isEmpty();
        assertThat(duplicates(lateFiring)).hasSize(2);
        Response lateResolved = ok(post("alertmanager", resolved, BEARER));
        assertThat(accepted(lateResolved)).isEmpty();
        assertThat(duplicates(lateResolved)).hasSize(2);
        assertThat(timelineTypes(critical)).containsExactly("declare", "resolve");
        assertThat(incident(critical).path("status").asText()).isEqualTo("resolved");

        // The same alerts fire again (new startsAt): a new incident per alert.
        byte[] again = edited("alertmanager-firing.json", startsAt("2024-05-14T12:00:18.493Z", "2024-05-14T12:01:03.117Z"));
        Response refire = ok(post("alertmanager", again, BEARER));
        assertThat(accepted(refire)).hasSize(2);
        String critical2 = incidentOf(accepted(refire).get(0));
        String warning2 = incidentOf(accepted(refire).get(1));
        assertThat(List.of(critical2, warning2)).doesNotContain(critical, warning);
        assertThat(critical2).isNotEqualTo(warning2);
        assertThat(incident(critical2).path("status").asText()).isEqualTo("declared");
        assertThat(incident(critical2).path("severity").asText()).isEqualTo("sev1");
        assertThat(incident(warning2).path("severity").asText()).isEqualTo("sev3");
        assertThat(timeline(critical2).get(0).path("data").path("fingerprint").asText())
                .isEqualTo(fixture.path("alerts").get(0).path("fingerprint").asText());

        long withTitle = 0;
        for (JsonNode i : http.get("/api/v1/incidents?limit=1000").json().path("incidents")) {
            if (i.path("title").asText().equals("KubePodCrashLooping: Pod is crash looping.")) {
                withTitle++;
            }
        }
        assertThat(withTitle).as("two incidents per alert over the lifecycle").isEqualTo(4);
    }

    // ---------------------------------------------------------------- Grafana

    @Test
    void grafanaFixturesCorrelateByFingerprintAndKeepDashboardPanelAndValues() {
        JsonNode fixture = WebhookFixtures.json("grafana-firing.json");
        byte[] firing = bytes("grafana-firing.json");

        Response first = ok(post("grafana", firing, BEARER));
        List<String> declares = accepted(first);
        assertThat(declares).hasSize(2);
        String db01 = incidentOf(declares.get(0));
        String db02 = incidentOf(declares.get(1));
        assertThat(db01).isNotEqualTo(db02);
        assertThat(incident(db01).path("severity").asText()).isEqualTo("sev1");
        assertThat(incident(db01).path("title").asText())
                .isEqualTo("Disk almost full: Disk /var/lib/postgresql on db-01 is almost full");
        assertThat(incident(db02).path("severity").asText()).isEqualTo("sev3");
        String[] ids = {db01, db02};
        for (int i = 0; i < 2; i++) {
            JsonNode alert = fixture.path("alerts").get(i);
            JsonNode data = timeline(ids[i]).get(0).path("data");
            assertThat(data.path("fingerprint").asText()).isEqualTo(alert.path("fingerprint").asText());
            assertThat(data.path("dashboardURL").asText()).isEqualTo(alert.path("dashboardURL").asText());
            assertThat(data.path("panelURL").asText()).isEqualTo(alert.path("panelURL").asText());
            assertThat(data.path("values")).isEqualTo(alert.path("values"));
            assertThat(data.path("labels")).isEqualTo(alert.path("labels"));
        }

        Response repeat = ok(post("grafana", firing, BEARER));
        assertThat(accepted(repeat)).isEmpty();
        assertThat(duplicates(repeat)).containsExactlyElementsOf(declares);

        // Only db-01 resolved; db-02 still fires.
        Response resolved = ok(post("grafana", bytes("grafana-resolved.json"), BEARER));
        assertThat(accepted(resolved)).hasSize(1);
        assertThat(incidentOf(accepted(resolved).get(0))).isEqualTo(db01);
        assertThat(incident(db01).path("status").asText()).isEqualTo("resolved");
        assertThat(incident(db02).path("status").asText()).isEqualTo("declared");
        assertThat(timeline(db01).get(1).path("data").path("values"))
                .isEqualTo(WebhookFixtures.json("grafana-resolved.json").path("alerts").get(0).path("values"));

        // Both fire again with new startsAt: db-01 gets a new incident, db-02's open incident absorbs the repeat.
        byte[] again = edited("grafana-firing.json", startsAt("2024-05-14T12:02:30+02:00", "2024-05-14T12:03:30+02:00"));
        Response refire = ok(post("grafana", again, BEARER));
        assertThat(accepted(refire)).hasSize(1);
        assertThat(ignored(refire)).isEqualTo(1);
        String db01Again = incidentOf(accepted(refire).get(0));
        assertThat(db01Again).isNotIn(db01, db02);
        assertThat(incident(db01Again).path("status").asText()).isEqualTo("declared");
        assertThat(timelineTypes(db02)).containsExactly("declare");
        assertThat(incident(db02).path("alertRepeats").asLong()).isEqualTo(2);

        // Keys are per source (grafana:<fp>, alertmanager:<fp>): the same alerts sent to /webhooks/alertmanager
        // open incidents of their own rather than joining Grafana's open ones.
        Response viaAlertmanager = ok(post("alertmanager", firing, BEARER));
        assertThat(accepted(viaAlertmanager)).hasSize(2);
        for (String e : accepted(viaAlertmanager)) {
            assertThat(incidentOf(e)).isNotIn(db01, db02, db01Again);
        }
    }

    // ---------------------------------------------------------------- PagerDuty (hmac-sha256-hex)

    @Test
    void pagerDutyRefusesBadMissingOrForeignSignaturesAndStoresNothing() {
        byte[] other = edited("pagerduty-incident-triggered.json", root -> {
            ObjectNode event = (ObjectNode) root.path("event");
            event.put("id", "01OTHEREVENT" + System.nanoTime());
            ((ObjectNode) event.path("data")).put("id", "QOTHER" + System.nanoTime()).put("title", "Another PagerDuty incident");
        });
        String good = pagerDutySignature(PAGERDUTY_SECRET, other);
        String wrongKey = pagerDutySignature("not-the-secret", other);
        String ofAnotherBody = pagerDutySignature(PAGERDUTY_SECRET, bytes("pagerduty-incident-triggered.json"));
        int before = eventCount();

        assertUnauthorized(post("pagerduty", other, "X-PagerDuty-Signature", wrongKey), PAGERDUTY_SECRET, wrongKey);
        assertUnauthorized(post("pagerduty", other), PAGERDUTY_SECRET);
        assertUnauthorized(post("pagerduty", other, "X-PagerDuty-Signature", ofAnotherBody), PAGERDUTY_SECRET);
        assertUnauthorized(post("pagerduty", other, "X-PagerDuty-Signature", good.substring(3)), PAGERDUTY_SECRET); // no v1=
        assertUnauthorized(post("pagerduty", other, "X-PagerDuty-Signature", "v1="), PAGERDUTY_SECRET);
        // The gateway's bearer token is no credential for a signing source.
        assertUnauthorized(post("pagerduty", other, BEARER), PAGERDUTY_SECRET, TOKEN);
        assertThat(eventCount()).as("nothing stored on any 401").isEqualTo(before);

        // Several signatures while PagerDuty rotates the secret: one valid entry is enough.
        Response rotated = ok(post("pagerduty", other, "X-PagerDuty-Signature", wrongKey + "," + good));
        assertThat(accepted(rotated)).hasSize(1);
        assertThat(incident(incidentOf(accepted(rotated).get(0))).path("title").asText()).isEqualTo("Another PagerDuty incident");
        Response rotatedSpaced = ok(post("pagerduty", other, "X-PagerDuty-Signature", good + ", " + wrongKey));
        assertThat(duplicates(rotatedSpaced)).containsExactlyElementsOf(accepted(rotated));
    }

    @Test
    void pagerDutyIncidentIsDeclaredAcknowledgedAnnotatedAndResolved() {
        byte[] triggered = bytes("pagerduty-incident-triggered.json");
        Response declare = ok(post("pagerduty", triggered, "X-PagerDuty-Signature", pagerDutySignature(PAGERDUTY_SECRET, triggered)));
        assertThat(accepted(declare)).hasSize(1);
        String id = incidentOf(accepted(declare).get(0));
        JsonNode view = incident(id);
        assertThat(view.path("status").asText()).isEqualTo("declared");
        assertThat(view.path("title").asText()).isEqualTo("Checkout API error rate above 5%");
        assertThat(view.path("severity").asText()).isEqualTo("sev1"); // priority P1
        JsonNode declared = timeline(id).get(0);
        assertThat(declared.path("ceId").asText()).isEqualTo("01DX3K8QG7C9VTH2Z4Y6W8N1PQ");
        assertThat(declared.path("data").path("pagerdutyIncidentNumber").asInt()).isEqualTo(4211);
        assertThat(Instant.parse(declared.path("eventTime").asText())).isEqualTo(Instant.parse("2024-05-14T09:12:44.518Z"));

        Response redelivered = ok(post("pagerduty", triggered, "X-PagerDuty-Signature", pagerDutySignature(PAGERDUTY_SECRET, triggered)));
        assertThat(accepted(redelivered)).isEmpty();
        assertThat(duplicates(redelivered)).containsExactlyElementsOf(accepted(declare));

        byte[] acknowledged = bytes("pagerduty-incident-acknowledged.json");
        Response ack = ok(post("pagerduty", acknowledged, "X-PagerDuty-Signature", pagerDutySignature(PAGERDUTY_SECRET, acknowledged)));
        assertThat(accepted(ack)).hasSize(1);
        assertThat(incident(id).path("status").asText()).isEqualTo("acknowledged");
        assertThat(timeline(id).get(1).path("actor").asText()).isEqualTo("Dana Okafor");

        byte[] annotated = bytes("pagerduty-incident-annotated.json");
        Response note = ok(post("pagerduty", annotated, "X-PagerDuty-Signature", pagerDutySignature(PAGERDUTY_SECRET, annotated)));
        assertThat(accepted(note)).hasSize(1);
        assertThat(timeline(id).get(2).path("content").asText())
                .isEqualTo("Rolled back checkout-api to v2024.05.13-2; error rate falling.");

        byte[] resolved = bytes("pagerduty-incident-resolved.json");
        Response resolve = ok(post("pagerduty", resolved, "X-PagerDuty-Signature", pagerDutySignature(PAGERDUTY_SECRET, resolved)));
        assertThat(accepted(resolve)).hasSize(1);
        assertThat(incident(id).path("status").asText()).isEqualTo("resolved");
        assertThat(timelineTypes(id)).containsExactly("declare", "ack", "note", "resolve");

        // PagerDuty's test delivery (a type the source does not map): 200, nothing stored, counted as ignored.
        int beforePing = eventCount();
        byte[] ping = "{\"event\":{\"id\":\"01PING\",\"event_type\":\"pagey.ping\",\"data\":{\"type\":\"ping\"}}}"
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        Response pinged = ok(post("pagerduty", ping, "X-PagerDuty-Signature", pagerDutySignature(PAGERDUTY_SECRET, ping)));
        assertThat(accepted(pinged)).isEmpty();
        assertThat(ignored(pinged)).isEqualTo(1);
        assertThat(eventCount()).isEqualTo(beforePing);

        // A signed but unmappable delivery: 400 naming the field (a declare without a title).
        byte[] untitled = edited("pagerduty-incident-triggered.json", root -> {
            ObjectNode data = (ObjectNode) root.path("event").path("data");
            data.remove("title");
            data.put("id", "QNOTITLE" + System.nanoTime());
            ((ObjectNode) root.path("event")).put("id", "01NOTITLE" + System.nanoTime());
        });
        Response bad = post("pagerduty", untitled, "X-PagerDuty-Signature", pagerDutySignature(PAGERDUTY_SECRET, untitled));
        assertThat(bad.status()).as(bad.toString()).isEqualTo(400);
        assertThat(bad.contentType()).startsWith("application/problem+json");
        assertThat(bad.json().path("field").asText()).isEqualTo("$.event.data.title");
    }

    // ---------------------------------------------------------------- Datadog (bearer, own token)

    @Test
    void datadogTriggeredDeclaresAndRecoveredResolvesWithItsOwnToken() {
        byte[] triggered = bytes("datadog-triggered.json");
        int before = eventCount();
        assertUnauthorized(post("datadog", triggered, BEARER), TOKEN, DATADOG_TOKEN); // not the gateway's token
        assertUnauthorized(post("datadog", triggered), DATADOG_TOKEN);
        assertUnauthorized(post("datadog", triggered, "Authorization", "Bearer " + DATADOG_TOKEN + "x"), DATADOG_TOKEN);
        assertThat(eventCount()).isEqualTo(before);

        Response declare = ok(post("datadog", triggered, DATADOG_BEARER));
        assertThat(accepted(declare)).hasSize(1);
        String id = incidentOf(accepted(declare).get(0));
        JsonNode view = incident(id);
        assertThat(view.path("status").asText()).isEqualTo("declared");
        assertThat(view.path("severity").asText()).isEqualTo("sev2"); // priority P2
        assertThat(view.path("title").asText()).isEqualTo("[P2] [Triggered on {host:web-03}] CPU usage high on web tier");
        JsonNode first = timeline(id).get(0);
        assertThat(first.path("ceId").asText()).isEqualTo("7503912354561029184");
        assertThat(Instant.parse(first.path("eventTime").asText())).isEqualTo(Instant.ofEpochMilli(1715677964000L));
        assertThat(first.path("data").path("hostname").asText()).isEqualTo("web-03");

        Response redelivered = ok(post("datadog", triggered, DATADOG_BEARER));
        assertThat(duplicates(redelivered)).containsExactlyElementsOf(accepted(declare));

        Response recovered = ok(post("datadog", bytes("datadog-recovered.json"), DATADOG_BEARER));
        assertThat(accepted(recovered)).hasSize(1);
        assertThat(incidentOf(accepted(recovered).get(0))).isEqualTo(id);
        assertThat(incident(id).path("status").asText()).isEqualTo("resolved");
        assertThat(timelineTypes(id)).containsExactly("declare", "resolve");
    }

    // ---------------------------------------------------------------- a source declared by YAML alone

    static byte[] acme(String id, String check, String state, String summary) {
        return """
                {"id":"%s","check":"%s","state":"%s","summary":"%s","sev":"sev2","by":"acme-monitor","region":"eu-west-1"}"""
                .formatted(id, check, state, summary).getBytes(StandardCharsets.UTF_8);
    }

    String[] signed(String webhookId, long timestamp, byte[] body) {
        return new String[]{"webhook-id", webhookId, "webhook-timestamp", Long.toString(timestamp),
                "webhook-signature", standardWebhooksSignature(acmeSecret, webhookId, timestamp, body)};
    }

    @Test
    void standardWebhooksSourceFromAYamlFileAcceptsOnlyFreshCorrectSignatures() {
        String check = "api-health-" + System.nanoTime();
        byte[] down = acme("acme-evt-1-" + check, check, "down", "API health check failing");
        long now = Instant.now().getEpochSecond();
        String otherSecret = WebhookFixtures.newStandardWebhooksSecret();
        String goodSig = standardWebhooksSignature(acmeSecret, "msg_1", now, down);
        int before = eventCount();

        // wrong key
        assertUnauthorized(post("acme", down, "webhook-id", "msg_1", "webhook-timestamp", Long.toString(now),
                "webhook-signature", standardWebhooksSignature(otherSecret, "msg_1", now, down)), acmeSecret);
        // correctly signed, but stale / from the future (±5 min)
        assertUnauthorized(post("acme", down, signed("msg_1", now - 600, down)), acmeSecret);
        assertUnauthorized(post("acme", down, signed("msg_1", now + 600, down)), acmeSecret);
        // each header missing
        assertUnauthorized(post("acme", down), acmeSecret);
        assertUnauthorized(post("acme", down, "webhook-timestamp", Long.toString(now), "webhook-signature", goodSig), acmeSecret);
        assertUnauthorized(post("acme", down, "webhook-id", "msg_1", "webhook-signature", goodSig), acmeSecret);
        assertUnauthorized(post("acme", down, "webhook-id", "msg_1", "webhook-timestamp", Long.toString(now)), acmeSecret);
        // signature of another body, of another id, or for another timestamp
        byte[] tampered = acme("acme-evt-1-" + check, check, "down", "Something else");
        assertUnauthorized(post("acme", tampered, "webhook-id", "msg_1", "webhook-timestamp", Long.toString(now),
                "webhook-signature", goodSig), acmeSecret);
        assertUnauthorized(post("acme", down, "webhook-id", "msg_2", "webhook-timestamp", Long.toString(now),
                "webhook-signature", goodSig), acmeSecret);
        assertUnauthorized(post("acme", down, "webhook-id", "msg_1", "webhook-timestamp", Long.toString(now - 1),
                "webhook-signature", goodSig), acmeSecret);
        // wrong version tag, and the gateway's bearer token
        assertUnauthorized(post("acme", down, "webhook-id", "msg_1", "webhook-timestamp", Long.toString(now),
                "webhook-signature", goodSig.replace("v1,", "v2,")), acmeSecret);
        assertUnauthorized(post("acme", down, BEARER), acmeSecret, TOKEN);
        assertThat(eventCount()).as("nothing stored on any 401").isEqualTo(before);

        Response good = ok(post("acme", down, "webhook-id", "msg_1", "webhook-timestamp", Long.toString(now),
                "webhook-signature", goodSig));
        assertThat(accepted(good)).hasSize(1);
        String id = incidentOf(accepted(good).get(0));
        JsonNode view = incident(id);
        assertThat(view.path("title").asText()).isEqualTo("API health check failing");
        assertThat(view.path("severity").asText()).isEqualTo("sev2");
        JsonNode first = timeline(id).get(0);
        assertThat(first.path("actor").asText()).isEqualTo("acme-monitor");
        assertThat(first.path("data").path("region").asText()).isEqualTo("eu-west-1");
        assertThat(first.path("ceSource").asText()).isEqualTo("/webhooks/acme");

        // A retry (new attempt: same payload, fresh timestamp) is a duplicate.
        Response retry = ok(post("acme", down, signed("msg_1", now + 1, down)));
        assertThat(accepted(retry)).isEmpty();
        assertThat(duplicates(retry)).containsExactlyElementsOf(accepted(good));

        // Within the tolerance, and with several signatures (secret rotation) of which one is valid.
        byte[] up = acme("acme-evt-2-" + check, check, "up", "API health check passing");
        long recent = now - 240;
        String rotated = standardWebhooksSignature(otherSecret, "msg_3", recent, up) + " "
                + standardWebhooksSignature(acmeSecret, "msg_3", recent, up);
        Response resolved = ok(post("acme", up, "webhook-id", "msg_3", "webhook-timestamp", Long.toString(recent),
                "webhook-signature", rotated));
        assertThat(accepted(resolved)).hasSize(1);
        assertThat(incident(id).path("status").asText()).isEqualTo("resolved");

        // Signed but not JSON: 400 naming the body (authentication passed, the mapper refused).
        byte[] notJson = "{oops".getBytes(StandardCharsets.UTF_8);
        Response malformed = post("acme", notJson, signed("msg_4", now, notJson));
        assertThat(malformed.status()).as(malformed.toString()).isEqualTo(400);
        assertThat(malformed.json().path("field").asText()).isEqualTo("body");
    }

    @Test
    void anExplicitlyOpenSourceAcceptsUnsignedRequests() {
        String check = "open-" + System.nanoTime();
        Response r = ok(post("openhook", acme("open-evt-" + check, check, "down", "Open source alert")));
        assertThat(accepted(r)).hasSize(1);
        assertThat(incident(incidentOf(accepted(r).get(0))).path("title").asText()).isEqualTo("Open source alert");
        Response again = ok(post("openhook", acme("open-evt-" + check, check, "down", "Open source alert"),
                "Authorization", "Bearer whatever"));
        assertThat(duplicates(again)).containsExactlyElementsOf(accepted(r));
    }

    @Test
    void aSendersBatchAbsorbsARepeatedStateAndReportsARefusedItemWhileTheOtherItemsCommit() {
        String n = Long.toString(System.nanoTime());
        String a = ok(post("batchhook", alerts("{\"check\":\"a-" + n + "\",\"state\":\"firing\",\"summary\":\"A\"}"))).json()
                .path("accepted").get(0).asText();
        String incidentA = incidentOf(a);
        ok(post("batchhook", alerts("{\"check\":\"a-" + n + "\",\"state\":\"acked\"}")));
        int before = eventCount();

        // A new alert and a repeated ack (a different item, so not a duplicate): the ack is absorbed, the new alert declared.
        Response repeat = ok(post("batchhook", alerts("{\"check\":\"c-" + n + "\",\"state\":\"firing\",\"summary\":\"C\"}",
                "{\"check\":\"a-" + n + "\",\"state\":\"acked\",\"at\":2}")));
        assertThat(accepted(repeat)).hasSize(1);
        assertThat(ignored(repeat)).isEqualTo(1);
        assertThat(repeat.json().has("refused")).as(repeat.toString()).isFalse();
        assertThat(incident(incidentOf(accepted(repeat).get(0))).path("title").asText()).isEqualTo("C");
        assertThat(eventCount()).isEqualTo(before + 1);
        assertThat(timelineTypes(incidentA)).containsExactly("declare", "ack");

        // A transition the state machine refuses (mitigated → ack) is reported by item; the other item commits.
        ok(post("batchhook", alerts("{\"check\":\"a-" + n + "\",\"state\":\"mitigated\"}")));
        Response refused = ok(post("batchhook", alerts("{\"check\":\"d-" + n + "\",\"state\":\"firing\",\"summary\":\"D\"}",
                "{\"check\":\"a-" + n + "\",\"state\":\"acked\",\"at\":3}")));
        assertThat(accepted(refused)).hasSize(1);
        assertThat(ignored(refused)).isEqualTo(1);
        JsonNode item = refused.json().path("refused").path(0);
        assertThat(item.path("index").asInt()).as(refused.toString()).isEqualTo(1);
        assertThat(item.path("field").asText()).isEqualTo("$.alerts[1].state");
        assertThat(item.path("type").asText()).isEqualTo("urn:incident-gateway:problem:transition-refused");
        assertThat(item.path("detail").asText()).contains("mitigated");
        assertThat(timelineTypes(incidentA)).containsExactly("declare", "ack", "mitigate");
        assertThat(incident(incidentOf(accepted(refused).get(0))).path("title").asText()).isEqualTo("D");
    }

    private static byte[] alerts(String... items) {
        return ("{\"alerts\":[" + String.join(",", items) + "]}").getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    private List<ILoggingEvent> loggedSoFar() {
        return logs.events(e -> true);
    }

    /** Run once after all tests of the class and the gateway's shutdown, over every line logged meanwhile. */
    private void assertNoSecretWasEverLogged() {
        List<ILoggingEvent> events = loggedSoFar();
        assertThat(events).as("the gateway's log was captured (else this check would pass vacuously)")
                .anyMatch(e -> e.getFormattedMessage().contains("openhook"));
        for (ILoggingEvent e : events) {
            StringBuilder text = new StringBuilder(e.getFormattedMessage());
            for (IThrowableProxy t = e.getThrowableProxy(); t != null; t = t.getCause()) {
                text.append('\n').append(t.getClassName()).append(": ").append(t.getMessage());
            }
            assertThat(text.toString()).doesNotContain(TOKEN).doesNotContain(PAGERDUTY_SECRET).doesNotContain(DATADOG_TOKEN)
                    .doesNotContain(acmeSecret).doesNotContain(acmeSecret.substring("whsec_".length()));
        }
    }

    @Test
    void anOpenSourceIsWarnedAboutAtStart() {
        List<ILoggingEvent> events = loggedSoFar();
        List<String> warnings = events.stream().filter(e -> e.getLevel() == Level.WARN)
                .map(ILoggingEvent::getFormattedMessage).toList();
        assertThat(warnings).as("the open source is warned about").anyMatch(m -> m.contains("openhook"));
        assertThat(warnings).as("no authenticated source is reported open").noneMatch(m -> m.toLowerCase().contains("open")
                && Stream.of("'acme'", "'pagerduty'", "'datadog'", "'grafana'", "'alertmanager'").anyMatch(m::contains));
    }

    @Test
    void aSourceWhoseOwnSecretIsUnsetIsOff() {
        String check = "dormant-" + System.nanoTime();
        Response r = post("dormant", acme("dormant-evt", check, "down", "Should not exist"), BEARER);
        assertThat(r.status()).as(r.toString()).isEqualTo(404);
        assertThat(r.json().path("detail").asText()).as("says why, not 'no such source'")
                .contains("webhook source 'dormant' is off").contains("set DORMANT_SECRET_NOT_SET_");
        assertThat(post("no-such-source", acme("nss-evt", check, "down", "x"), BEARER).json().path("detail").asText())
                .contains("no webhook source named 'no-such-source'");
    }

    /**
     * Platform trial: a descriptor written while the gateway runs got the 404 of a name no source has. Sources are loaded
     * at the start, so the 404 says to restart; it names only the file of the name the caller sent (a name it chose),
     * and a name without a file keeps the plain 404. Nothing is stored.
     */
    @Test
    void aDescriptorAddedWhileRunningIs404SayingToRestart() throws IOException {
        int before = eventCount();
        Path late = Files.writeString(connectorsDir.resolve("latecomer.yaml"), "kind: webhook-source\nname: latecomer\n"
                + "mapper: cloudevents\nauth: {mode: none}\n");
        Response r = post("latecomer", acme("late-evt", "late-" + System.nanoTime(), "down", "Late"), BEARER);
        assertThat(r.status()).as(r.toString()).isEqualTo(404);
        assertThat(r.contentType()).startsWith("application/problem+json");
        assertThat(r.json().path("detail").asText()).contains("webhook source 'latecomer' is not loaded", "loaded at the start",
                "connectors/latecomer.yaml", "restart").doesNotContain(connectorsDir.toString());
        assertThat(post("slack", acme("sl-evt", "sl", "down", "x"), BEARER).json().path("detail").asText())
                .as("a descriptor the start loaded (a sink) is no source added since").contains("no webhook source named 'slack'");
        assertThat(post("..%2Flatecomer", acme("x", "x", "down", "x"), BEARER).status()).isEqualTo(404);
        assertThat(eventCount()).isEqualTo(before);
        Files.delete(late); // the next class's start must not load it
    }

    // ---------------------------------------------------------------- limits and store failures

    @Test
    void aBodyOverOneMebibyteIs413AndStoresNothing() {
        int before = eventCount();
        String padding = "x".repeat(1_572_864); // 1.5 MiB
        byte[] body = ("{\"alerts\":[],\"padding\":\"" + padding + "\"}").getBytes(StandardCharsets.UTF_8);
        Response r = post("alertmanager", body, BEARER);
        assertThat(r.status()).as(r.toString()).isEqualTo(413);
        assertThat(r.contentType()).startsWith("application/problem+json");
        assertThat(eventCount()).isEqualTo(before);
    }

    /** Runs last: it closes the store under the running gateway. */
    @Test
    @Order(Integer.MAX_VALUE)
    void whenTheStoreIsDownWebhooksAnswer503WithRetryAfterNever4xx() {
        byte[] firing = edited("alertmanager-firing.json", startsAt("2024-05-14T15:00:18.493Z", "2024-05-14T15:01:03.117Z"));
        fixture.gateway().dataSource().close();
        Response r = post("alertmanager", firing, BEARER);
        assertThat(r.status()).as(r.toString()).isEqualTo(503);
        assertThat(r.header("Retry-After")).as(r.toString()).isPresent();
        assertThat(r.header("Retry-After").orElseThrow()).matches("[1-9][0-9]*");
        assertThat(r.contentType()).startsWith("application/problem+json");

        // Authentication still comes first: a bad signature is 401, a good one meets the store and gets 503.
        byte[] fresh = edited("pagerduty-incident-triggered.json", root -> {
            ((ObjectNode) root.path("event")).put("id", "01DOWN" + System.nanoTime());
            ((ObjectNode) root.path("event").path("data")).put("id", "QDOWN" + System.nanoTime());
        });
        assertUnauthorized(post("pagerduty", fresh, "X-PagerDuty-Signature", pagerDutySignature("wrong", fresh)), PAGERDUTY_SECRET);
        Response pd = post("pagerduty", fresh, "X-PagerDuty-Signature", pagerDutySignature(PAGERDUTY_SECRET, fresh));
        assertThat(pd.status()).as(pd.toString()).isEqualTo(503);
        assertThat(pd.header("Retry-After")).as(pd.toString()).isPresent();
    }
}
