package dev.incidentgateway.routes;

import ch.qos.logback.classic.Level;
import dev.incidentgateway.testsupport.CapturedLogs;
import dev.incidentgateway.testsupport.GatewayFixture;
import dev.incidentgateway.testsupport.HttpApi;
import dev.incidentgateway.testsupport.TempDirs;
import dev.incidentgateway.testsupport.TestStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static dev.incidentgateway.testsupport.HttpApi.obj;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What an operator sees of a YAML-only target ({@code from: timeline:outbox?connector=team-chat}, like the shipped
 * chat-webhook) in an in-process gateway on H2, against a fake target that answers every call with 500: the failed
 * deliveries in the log (a summary of the retries, one WARN when the row goes dead) and the start-up lines naming the
 * target.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class YamlTargetObservabilityIT {
    private static final int MAX_ATTEMPTS = 3;

    private FakeChatWebhook chat;
    private CapturedLogs logs;
    private GatewayFixture fixture;

    @BeforeAll
    void start() throws Exception {
        chat = new FakeChatWebhook();
        // The shipped chat route copied as README "Add a target in YAML" step 4 says: its own id, connector and URL.
        String shipped = Files.readString(Path.of("routes/outbound/chat-webhook.camel.yaml"));
        String copy = shipped.replace("id: outbound-chat-webhook", "id: outbound-team-chat")
                .replace("connector: chat-webhook", "connector: team-chat")
                .replace("'{{env:CHAT_WEBHOOK_URL:}}' != ''", "true")
                .replace("{{env:CHAT_WEBHOOK_URL}}", chat.url());
        assertThat(copy).contains("connector: team-chat", "uri: \"" + chat.url() + "\"", "precondition: \"true\"");
        Path routes = TempDirs.directory("yaml-target-");
        Files.writeString(routes.resolve("team-chat.camel.yaml"), copy);
        // Opened before the start, so it has the start-up lines; DEBUG so the test sees every retry is logged somewhere.
        logs = CapturedLogs.root().atLevel("dev.incidentgateway.outbox", Level.DEBUG);
        fixture = GatewayFixture.start(TestStore.Kind.H2, Map.of("GATEWAY_ROUTES_DIR", routes.toString(),
                "GATEWAY_OUTBOX_MAX_ATTEMPTS", Integer.toString(MAX_ATTEMPTS), "GATEWAY_OUTBOX_BACKOFF_MS", "20",
                "GATEWAY_OUTBOX_POLL_MS", "50"));
    }

    @AfterAll
    void stop() {
        try {
            if (fixture != null) {
                fixture.close();
            }
        } finally {
            if (logs != null) {
                logs.close();
            }
            chat.close();
        }
    }

    @Test
    void aRowThatGoesDeadAfterItsRetriesIsLoggedOnceAsWarnAndTheRetriesAreSummarized() {
        chat.refuse("OBS-1", 500);
        HttpApi http = fixture.http();
        HttpApi.Response declared = http.postJson("/api/v1/incidents", obj("id", "OBS-1", "title", "t", "actor", "a",
                "severity", "sev1"));
        assertThat(declared.status()).as(declared.toString()).isEqualTo(201);

        await().atMost(Duration.ofSeconds(30)).until(() ->
                http.get("/api/v1/outbox?connector=team-chat&status=dead").json().path("items").size() == 1);
        com.fasterxml.jackson.databind.JsonNode row = http.get("/api/v1/outbox?connector=team-chat&status=dead").json()
                .path("items").get(0);
        String lastError = row.path("lastError").asText();
        assertThat(chat.refused("OBS-1")).hasSize(MAX_ATTEMPTS);

        List<String> dead = await().atMost(Duration.ofSeconds(5)).until(() -> logs.lines(e ->
                e.getLevel() == Level.WARN && e.getFormattedMessage().contains("Outbox delivery to team-chat is dead")), l -> !l.isEmpty());
        assertThat(dead).hasSize(1);
        assertThat(dead.get(0)).contains("incident OBS-1", "event " + row.path("eventId").asText(),
                "/api/v1/outbox/" + row.path("id").asLong(), MAX_ATTEMPTS + " attempt(s)", "500", "try later").endsWith(": " + lastError);

        List<String> retries = logs.lines(e -> e.getFormattedMessage().contains("team-chat") && e.getFormattedMessage().contains("retr"));
        assertThat(retries).as("each retry at DEBUG, and one INFO summary for both (within a minute)")
                .filteredOn(l -> l.startsWith("DEBUG")).hasSize(MAX_ATTEMPTS - 1);
        assertThat(retries).filteredOn(l -> l.startsWith("INFO")).hasSize(1)
                .allSatisfy(l -> assertThat(l).contains("are failing", "incident OBS-1", "500"));
        assertThat(logs.lines(e -> true)).noneMatch(l -> l.contains(FakeChatWebhook.SECRET));
    }

    /** Before: {@code Sinks: []}, made before the routes existed, while the YAML-only target delivered. */
    @Test
    void theStartUpLinesNameTheYamlTargetAmongTheOutboundTargets() {
        assertThat(logs.lines(e -> e.getFormattedMessage().startsWith("Outbound targets")))
                .containsExactly("INFO Outbound targets delivering: [team-chat (YAML route)]");
        assertThat(logs.lines(e -> e.getFormattedMessage().startsWith("Sinks:"))).isEmpty();
        assertThat(logs.lines(e -> e.getFormattedMessage().startsWith("Sink 'jira' is off")))
                .as("why a shipped connector is off stays where it was logged").hasSize(1);
    }
}
