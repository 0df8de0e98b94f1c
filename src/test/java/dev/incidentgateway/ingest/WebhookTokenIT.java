package dev.incidentgateway.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.incidentgateway.testsupport.GatewayProcess;
import dev.incidentgateway.testsupport.GatewayProcess.Command;
import dev.incidentgateway.testsupport.GatewayProcess.Launched;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static dev.incidentgateway.testsupport.GatewayProcess.START_TIMEOUT;
import static dev.incidentgateway.testsupport.GatewayProcess.freePort;
import static dev.incidentgateway.testsupport.GatewayProcess.stop;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The webhook token as an operator meets it, with the shaded jar in a separate JVM and no
 * {@code GATEWAY_WEBHOOK_TOKEN}: generated on first start and kept in the store, printed by
 * {@code java -jar incident-gateway.jar webhook-token} (also while the gateway runs: H2 with AUTO_SERVER),
 * never written to the log, and the same after a restart. Also: a descriptor that says {@code enabled: true}
 * while its secret variable is unset stops the start with exit code 2, naming the variable.
 */
class WebhookTokenIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MISSING = "MISSING_SECRET_XYZ";

    private static GatewayProcess gw;

    @BeforeAll
    static void findJar() {
        // Only what the test sets: no token, store, connectors dir or secrets inherited from the caller.
        gw = GatewayProcess.locate(MISSING, "PAGERDUTY_WEBHOOK_SECRET", "DATADOG_WEBHOOK_TOKEN");
    }

    @Test
    void theGeneratedTokenIsPrintedByTheCliWorksSurvivesRestartsAndIsNeverLogged(@TempDir Path dir) throws Exception {
        byte[] firing = WebhookFixtures.bytes("alertmanager-firing.json");
        String token;
        Launched first = gw.start(dir, Map.of("GATEWAY_HTTP_PORT", Integer.toString(freePort())));
        try {
            gw.awaitHealthy(first);
            Command printed = gw.command(dir, "webhook-token");
            assertThat(printed.exitCode()).as(printed.toString()).isZero();
            List<String> lines = printed.stdout().lines().filter(l -> !l.isBlank()).toList();
            assertThat(lines).as("webhook-token prints the token alone on stdout (for TOKEN=$(... webhook-token)); %s", printed)
                    .hasSize(1);
            token = lines.get(0).strip();
            assertThat(token).as(printed.toString()).matches("[A-Za-z0-9_\\-]{32,}");

            HttpResponse<String> withToken = postWebhook(first.port(), "alertmanager", firing, "Bearer " + token);
            assertThat(withToken.statusCode()).as(withToken.body()).isEqualTo(200);
            assertThat(JSON.readTree(withToken.body()).path("accepted")).hasSize(2);
            HttpResponse<String> without = postWebhook(first.port(), "alertmanager", firing, null);
            assertThat(without.statusCode()).as(without.body()).isEqualTo(401);
            assertThat(without.body()).doesNotContain(token);
            HttpResponse<String> wrong = postWebhook(first.port(), "alertmanager", firing, "Bearer " + token + "x");
            assertThat(wrong.statusCode()).as(wrong.body()).isEqualTo(401);
        } finally {
            stop(first.process());
        }
        String firstLog = Files.readString(first.log());
        assertThat(firstLog).as("the start-up log").doesNotContain(token);
        assertThat(firstLog).as("the start-up log says how to read the token").contains("webhook-token");

        // Restart on the same store: the same token, nothing regenerated.
        Launched second = gw.start(dir, Map.of("GATEWAY_HTTP_PORT", Integer.toString(freePort())));
        try {
            gw.awaitHealthy(second);
            HttpResponse<String> again = postWebhook(second.port(), "alertmanager", firing, "Bearer " + token);
            assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
            JsonNode reply = JSON.readTree(again.body());
            assertThat(reply.path("accepted")).isEmpty();
            assertThat(reply.path("duplicates")).hasSize(2);
            HttpResponse<String> grafana = postWebhook(second.port(), "grafana", WebhookFixtures.bytes("grafana-firing.json"),
                    "Bearer " + token);
            assertThat(grafana.statusCode()).as(grafana.body()).isEqualTo(200);
            assertThat(postWebhook(second.port(), "grafana", WebhookFixtures.bytes("grafana-firing.json"), null).statusCode())
                    .isEqualTo(401);
        } finally {
            stop(second.process());
        }
        String secondLog = Files.readString(second.log());
        assertThat(secondLog).doesNotContain(token);
        assertThat(secondLog).contains("webhook-token");

        // Offline too, the CLI prints the same stored token.
        Command offline = gw.command(dir, "webhook-token");
        assertThat(offline.exitCode()).as(offline.toString()).isZero();
        assertThat(offline.stdout()).contains(token);
    }

    @Test
    void anEnabledSourceWhoseSecretIsUnsetStopsTheStartWithExit2NamingTheVariable(@TempDir Path dir) throws Exception {
        Path connectors = Files.createDirectories(dir.resolve("my-connectors"));
        Files.writeString(connectors.resolve("strict.yaml"), """
                kind: webhook-source
                name: strict
                enabled: true
                mapper: jsonpath
                auth:
                  mode: hmac-sha256-hex
                  secretEnv: %s
                mapping:
                  correlationKey: "$.id"
                  eventType:
                    path: "$.state"
                    values: { down: declare, up: resolve }
                  title: "$.summary"
                """.formatted(MISSING));
        Launched p = gw.start(dir, Map.of("GATEWAY_HTTP_PORT", Integer.toString(freePort()),
                "GATEWAY_CONNECTORS_DIR", connectors.toString()));
        try {
            boolean exited = p.process().waitFor(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            String output = Files.readString(p.log());
            assertThat(exited).as("the process must stop by itself; output:%n%s", output).isTrue();
            assertThat(p.process().exitValue()).as(output).isEqualTo(2);
            assertThat(output).contains(MISSING);
        } finally {
            stop(p.process());
        }
    }

    private HttpResponse<String> postWebhook(int port, String source, byte[] body, String authorization) throws Exception {
        HttpRequest.Builder b = gw.request(port, "/webhooks/" + source).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return gw.send(b);
    }
}
