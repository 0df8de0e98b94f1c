package dev.incidentgateway.ingest;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import com.fasterxml.jackson.databind.JsonNode;
import dev.incidentgateway.testsupport.CapturedLogs;
import dev.incidentgateway.testsupport.GatewayFixture;
import dev.incidentgateway.testsupport.FeedMark;
import dev.incidentgateway.testsupport.HttpApi;
import dev.incidentgateway.testsupport.HttpApi.Response;
import dev.incidentgateway.testsupport.TempDirs;
import dev.incidentgateway.testsupport.TestStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What every WebhookSources*Contract shares: a gateway over real HTTP on each kind of store (H2 and PostgreSQL
 * subclasses of each contract), started with every secret the shipped webhook sources (Alertmanager, Grafana,
 * PagerDuty, Datadog) need and with the sources declared only by YAML files in {@code GATEWAY_CONNECTORS_DIR}
 * ({@link WebhookSourceDescriptors}); one gateway per class, whose every log line is checked for secrets after it
 * stopped. Methods run in {@code @Order}: a test that closes the store runs last.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class WebhookSourcesHarness {
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
        connectorsDir = TempDirs.directory("gateway-connectors-");
        WebhookSourceDescriptors.write(connectorsDir);
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

    List<ILoggingEvent> loggedSoFar() {
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
}
