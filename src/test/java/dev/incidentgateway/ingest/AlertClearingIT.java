package dev.incidentgateway.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.incidentgateway.testsupport.GatewayFixture;
import dev.incidentgateway.testsupport.HttpApi;
import dev.incidentgateway.testsupport.HttpApi.Response;
import dev.incidentgateway.testsupport.TempDirs;
import dev.incidentgateway.testsupport.TestStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What an alert's clearing and its next firing do to its incident, over real HTTP: a source whose descriptor says
 * {@code resolveOnClear: false} records the clearing as a note and leaves the incident open; the shipped Alertmanager
 * source (default {@code true}) resolves, and an incident a responder reopens collects the alert's next firing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AlertClearingIT {
    private static final String TOKEN = "gw-token-" + UUID.randomUUID();
    private static final String[] BEARER = {"Authorization", "Bearer " + TOKEN};

    private GatewayFixture fixture;
    private HttpApi http;
    private Path connectorsDir;

    @BeforeAll
    void start() throws Exception {
        connectorsDir = TempDirs.directory("gateway-connectors-");
        for (String mapper : List.of("alertmanager", "grafana")) { // sources of each shape that keep incidents open
            Files.writeString(connectorsDir.resolve(mapper + "-keep.yaml"), "kind: webhook-source\nname: " + mapper
                    + "-keep\nmapper: " + mapper + "\nauth: {mode: bearer}\nresolveOnClear: false\n");
        }
        fixture = GatewayFixture.start(TestStore.Kind.H2, Map.of("GATEWAY_WEBHOOK_TOKEN", TOKEN,
                "GATEWAY_CONNECTORS_DIR", connectorsDir.toString()));
        http = fixture.http();
    }

    @AfterAll
    void stop() throws Exception {
        if (fixture != null) {
            fixture.close();
        }
        try (var files = Files.list(connectorsDir)) {
            for (Path p : files.toList()) {
                Files.delete(p);
            }
        }
        Files.delete(connectorsDir);
    }

    @Test
    void aClearedAlertOfASourceThatKeepsIncidentsOpenIsANote() {
        for (String source : List.of("alertmanager-keep", "grafana-keep")) {
            String fp = "keep-" + UUID.randomUUID();
            Instant starts = Instant.now().truncatedTo(ChronoUnit.SECONDS);
            Response fired = ok(post(source, alert(fp, "firing", starts, null)));
            String incident = incidentOf(fired.json().path("accepted").get(0).asText());

            String cleared = alert(fp, "resolved", starts, starts.plusSeconds(60));
            Response clear = ok(post(source, cleared));
            assertThat(clear.json().path("accepted")).hasSize(1);
            assertThat(incident(incident).path("status").asText()).as(source).isEqualTo("declared");
            List<JsonNode> events = timeline(incident);
            assertThat(events).extracting(e -> e.path("type").asText()).containsExactly("declare", "note");
            assertThat(events.get(1).path("content").asText()).isEqualTo("Alert cleared: DiskFull: disk almost full");

            Response again = ok(post(source, cleared)); // redelivered: the same CloudEvents id, nothing added
            assertThat(again.json().path("duplicates")).hasSize(1);
            assertThat(timeline(incident)).hasSize(2);

            Response refired = ok(post(source, alert(fp, "firing", starts.plusSeconds(120), null)));
            assertThat(refired.json().path("ignored").asInt()).as("correlated to the open incident").isEqualTo(1);
            assertThat(incident(incident).path("alertRepeats").asLong()).isEqualTo(1);
            assertThat(timeline(incident)).hasSize(2);
        }
    }

    /** The on-call trial's repeat (fingerprint fff006) through the shipped source, which resolves on clearing. */
    @Test
    void aReopenedIncidentCollectsTheAlertsNextFiring() {
        String fp = "fff006-" + UUID.randomUUID();
        Instant t = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        String first = incidentOf(ok(post("alertmanager", alert(fp, "firing", t, null))).json().path("accepted").get(0).asText());
        ok(post("alertmanager", alert(fp, "resolved", t, t.plusSeconds(10))));
        assertThat(incident(first).path("status").asText()).isEqualTo("resolved"); // the default: resolveOnClear: true
        String second = incidentOf(ok(post("alertmanager", alert(fp, "firing", t.plusSeconds(20), null)))
                .json().path("accepted").get(0).asText());
        assertThat(second).isNotEqualTo(first);
        ok(post("alertmanager", alert(fp, "resolved", t.plusSeconds(20), t.plusSeconds(30))));

        Response reopen = http.post("/api/v1/incidents/" + second + "/events", "application/json", HttpRequest.BodyPublishers.ofString(
                "{\"type\":\"state_change\",\"actor\":\"carol\",\"data\":{\"to\":\"acknowledged\",\"reason\":\"flapping\"}}"));
        assertThat(reopen.status()).as(reopen.toString()).isIn(200, 201);

        Response third = ok(post("alertmanager", alert(fp, "firing", t.plusSeconds(40), null)));
        assertThat(third.json().path("accepted")).as("no third incident").isEmpty();
        assertThat(third.json().path("ignored").asInt()).isEqualTo(1);
        assertThat(incident(second).path("alertRepeats").asLong()).isEqualTo(1);
        assertThat(incident(second).path("status").asText()).isEqualTo("acknowledged");
    }

    private static String alert(String fingerprint, String status, Instant startsAt, Instant endsAt) {
        return """
                {"version":"4","status":"%s","receiver":"incident-gateway","alerts":[{"status":"%s",
                 "labels":{"alertname":"DiskFull","severity":"warning"},"annotations":{"summary":"disk almost full"},
                 "startsAt":"%s","endsAt":"%s","fingerprint":"%s"}]}
                """.formatted(status, status, startsAt, endsAt == null ? "0001-01-01T00:00:00Z" : endsAt, fingerprint);
    }

    private Response post(String source, String body) {
        return http.post("/webhooks/" + source, "application/json",
                HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8), BEARER);
    }

    private static Response ok(Response r) {
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r;
    }

    private String incidentOf(String eventId) {
        for (JsonNode ce : http.get("/api/v1/events?limit=1000").json()) {
            if (ce.path("id").asText().equals(eventId)) {
                return ce.path("subject").asText();
            }
        }
        throw new AssertionError("no event " + eventId);
    }

    private JsonNode incident(String id) {
        Response r = http.get("/api/v1/incidents/" + id);
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.json();
    }

    /** The incident's events from its alert, without the SLA tracker's notes. */
    private List<JsonNode> timeline(String id) {
        List<JsonNode> out = new ArrayList<>();
        http.get("/api/v1/incidents/" + id + "/timeline?limit=1000").json().path("events").forEach(e -> {
            if (!e.path("principal").asText().equals("system:sla")) {
                out.add(e);
            }
        });
        return out;
    }
}
