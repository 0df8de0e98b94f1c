package dev.incidentgateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.incidentgateway.ingest.WebhookTokenStore;
import dev.incidentgateway.security.CredentialRowMacs;
import dev.incidentgateway.testsupport.FeedMark;
import dev.incidentgateway.testsupport.GatewayFixture;
import dev.incidentgateway.testsupport.HttpApi;
import dev.incidentgateway.testsupport.HttpApi.Response;
import dev.incidentgateway.testsupport.TestStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static dev.incidentgateway.api.IncidentApiHarness.assertProblem;
import static dev.incidentgateway.testsupport.HttpApi.obj;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The REST write bodies take only their own top-level fields: a misspelt one is the sender's mistake to hear about,
 * not a field to drop. A fresh user's {@code "sevrity":"sev1"} once made a sev3 incident (wrong SLA clocks, wrong
 * routing) and {@code "contnet"} a note without content, both 201. {@code data} stays free-form, and every field the
 * endpoints read (the console's, the README's, {@code source} kept for old clients) is still taken. Parsing does not
 * depend on the store, so H2 alone checks it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RestBodyFieldsH2IT {
    private GatewayFixture fixture;
    private HttpApi http;

    @BeforeAll
    void start() throws Exception {
        fixture = GatewayFixture.start(TestStore.Kind.H2, Map.of());
        http = fixture.http();
    }

    @AfterAll
    void stop() {
        if (fixture != null) {
            fixture.close();
        }
    }

    @Test
    void aDeclareWithAnUnknownFieldIsRefusedNamingItAndStoresNothing() {
        String before = FeedMark.newestRequestEvent(http, null);
        JsonNode p = assertProblem(http.postJson("/api/v1/incidents",
                obj("id", "UNK-1", "title", "sev typo", "actor", "a", "sevrity", "sev1")), 400, "sevrity");
        assertThat(p.path("detail").asText()).contains("sevrity", "is not a field of this request")
                .contains("title, actor, severity, content, id, data, correlationKey");
        assertProblem(http.get("/api/v1/incidents/UNK-1"), 404, null);
        assertThat(FeedMark.newestRequestEvent(http, null)).isEqualTo(before);
    }

    @Test
    void anEventWithAnUnknownFieldIsRefusedNamingItAndStoresNothing() {
        assertThat(http.postJson("/api/v1/incidents", obj("id", "UNK-2", "title", "t", "actor", "a")).status()).isEqualTo(201);
        String before = FeedMark.newestRequestEvent(http, null);
        JsonNode p = assertProblem(http.postJson("/api/v1/incidents/UNK-2/events",
                obj("type", "note", "actor", "a", "contnet", "typo here")), 400, "contnet");
        assertThat(p.path("detail").asText()).contains("contnet", "is not a field of this request")
                .contains("type, actor, title, content, data, expectedSeq");
        assertThat(FeedMark.newestRequestEvent(http, null)).isEqualTo(before);
    }

    @Test
    void everyFieldTheEndpointsReadIsStillTakenAndDataStaysFreeForm() {
        Response declared = http.postJson("/api/v1/incidents", obj("id", "UNK-3", "title", "all fields", "actor", "a",
                "severity", "sev1", "content", "c", "data", obj("anything", obj("goes", 1)), "correlationKey", "unk:3",
                "source", "https://old-client.example"));
        assertThat(declared.status()).as(declared.toString()).isEqualTo(201);
        assertThat(declared.json().path("severity").asText()).isEqualTo("sev1");
        Response note = http.postJson("/api/v1/incidents/UNK-3/events", obj("type", "note", "actor", "a", "title", "t",
                "content", "typo fixed", "data", obj("free", "form"), "expectedSeq", 1,
                "source", "https://old-client.example"));
        assertThat(note.status()).as(note.toString()).isEqualTo(201);
        assertThat(note.json().path("content").asText()).isEqualTo("typo fixed");
        // severity on the events endpoint: a declare's, refused on anything else (it was dropped silently)
        Response declare = http.postJson("/api/v1/incidents/UNK-4/events", obj("type", "declare", "actor", "a", "title", "t",
                "severity", "sev2"));
        assertThat(declare.status()).as(declare.toString()).isEqualTo(201);
        assertThat(http.get("/api/v1/incidents/UNK-4").json().path("severity").asText()).isEqualTo("sev2");
        JsonNode p = assertProblem(http.postJson("/api/v1/incidents/UNK-4/events", obj("type", "mitigate", "actor", "a",
                "severity", "sev1")), 400, "severity");
        assertThat(p.path("detail").asText()).contains("only a declare sets the severity");
        assertThat(http.get("/api/v1/incidents/UNK-4").json().path("status").asText()).isEqualTo("declared");
    }

    // Security review: a title with CR/LF and a terminal escape, or an actor with a bidirectional override, was stored
    // (201) and its line breaks reached Slack's header block and log lines. One-line fields now refuse them (400 naming
    // the field, nothing stored); a note's content keeps its lines; an alert's multi-line summary is folded into one
    // line instead, because Alertmanager drops an alert that gets a 4xx.
    @Test
    void controlsLineBreaksAndBidiOverridesInOneLineFieldsAreRefusedNamingTheField() {
        assertProblem(http.postJson("/api/v1/incidents", obj("id", "OL-1", "title", "T\r\nFAKE LOG LINE\u001b[31m", "actor", "a")),
                400, "title");
        assertProblem(http.postJson("/api/v1/incidents", obj("id", "OL-1", "title", "T", "actor", "a\u202eevil")), 400, "actor");
        assertProblem(http.postJson("/api/v1/incidents", obj("id", "OL-1", "title", "tab\there", "actor", "a")), 400, "title");
        assertProblem(http.postJson("/api/v1/incidents", obj("id", "OL-1", "title", "del\u007f", "actor", "a")), 400, "title");
        assertProblem(http.postJson("/api/v1/incidents", obj("id", "OL-1", "title", "iso\u2066x", "actor", "a")), 400, "title");
        assertProblem(http.get("/api/v1/incidents/OL-1"), 404, null);

        assertThat(http.postJson("/api/v1/incidents", obj("id", "OL-1", "title", "T", "actor", "a")).status()).isEqualTo(201);
        assertThat(http.postJson("/api/v1/incidents/OL-1/events", obj("type", "note", "actor", "a", "content", "line 1\nline 2"))
                .status()).as("notes keep their lines").isEqualTo(201);
    }

    // Security review: C1 controls, U+2028/U+2029 and bidi marks passed the one-line check, and data.role and
    // data.reason (which reach ServiceNow's and Jira's work notes and the severity-change message) had none.
    @Test
    void c1ControlsUnicodeLineSeparatorsAndBidiMarksAreRefusedAlsoInRoleAndReason() {
        assertProblem(http.postJson("/api/v1/incidents", obj("id", "OL-2", "title", "T\u0085FAKE LINE", "actor", "a")), 400, "title");
        assertProblem(http.postJson("/api/v1/incidents", obj("id", "OL-2", "title", "T\u009b31m", "actor", "a")), 400, "title");
        assertProblem(http.postJson("/api/v1/incidents", obj("id", "OL-2", "title", "T", "actor", "a\u200fb")), 400, "actor");
        assertProblem(http.get("/api/v1/incidents/OL-2"), 404, null);
        assertThat(http.postJson("/api/v1/incidents", obj("id", "OL-2", "title", "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645", "actor", "a"))
                .status()).as("ZWNJ is part of the word").isEqualTo(201);
        assertProblem(http.postJson("/api/v1/incidents/OL-2/events", obj("type", "role_assign", "actor", "a",
                "data", obj("role", "scribe\u2028Commander: mallory", "assignee", "dave"))), 400, "data.role");
        assertProblem(http.postJson("/api/v1/incidents/OL-2/events", obj("type", "state_change", "actor", "a",
                "data", obj("severity", "sev1", "reason", "worse\nSeverity: sev4"))), 400, "data.reason");
        assertThat(http.get("/api/v1/incidents/OL-2/timeline").json().path("events")).as("only the declare").hasSize(1);
    }

    @Test
    void anAlertsMultiLineSummaryIsFoldedIntoOneLineNotRefused() throws Exception {
        String token = new WebhookTokenStore(fixture.gateway().dataSource(), CredentialRowMacs.from(fixture.store().chainKey()))
                .rotate("alertmanager");
        String alert = Files.readString(Path.of("src/test/resources/fixtures/alertmanager-firing.json"))
                .replace("\"summary\": \"Pod is crash looping.\"", "\"summary\": \"Pod is\\r\\ncrash looping\\u001b[31m \\u202eagain\\u0085and\\u2028again\"");
        HttpApi.Response r = http.post("/webhooks/alertmanager", "application/json", alert, "Authorization", "Bearer " + token);
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        JsonNode incidents = http.get("/api/v1/incidents?limit=200").json();
        assertThat(incidents.toString()).contains("KubePodCrashLooping: Pod is crash looping [31m again and again")
                .doesNotContain("\\r", "\\n", "\\u001B", "\\u202E", "\u0085", "\u2028");
    }
}
