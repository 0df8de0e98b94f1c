package dev.incidentgateway.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.incidentgateway.testsupport.GatewayProcess;
import dev.incidentgateway.testsupport.GatewayProcess.Command;
import dev.incidentgateway.testsupport.GatewayProcess.Launched;
import dev.incidentgateway.testsupport.PostgresTestDatabase;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static dev.incidentgateway.testsupport.GatewayProcess.START_TIMEOUT;
import static dev.incidentgateway.testsupport.GatewayProcess.freePort;
import static dev.incidentgateway.testsupport.GatewayProcess.stop;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Webhook tokens as an operator meets them, with the shaded jar in separate JVMs and no
 * {@code GATEWAY_WEBHOOK_TOKEN}: {@code webhook-token --source NAME --rotate} prints a token for one source (alone
 * on stdout, never in the log), which opens only that source and survives restarts; {@code webhook-token} alone
 * says which sources have one. On PostgreSQL the CLI rotates while the gateway runs: the new token works at its first
 * use, the old one stops within seconds. Also: a descriptor that says {@code enabled: true} while its secret variable is unset stops
 * the start with exit code 2, naming the variable.
 */
class WebhookTokenIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MISSING = "MISSING_SECRET_XYZ";
    private static final Duration PATIENCE = Duration.ofSeconds(30);

    private static GatewayProcess gw;

    @BeforeAll
    static void findJar() {
        // Only what the test sets: no token, store, connectors dir or secrets inherited from the caller.
        gw = GatewayProcess.locate(MISSING, "PAGERDUTY_WEBHOOK_SECRET", "DATADOG_WEBHOOK_TOKEN");
    }

    @Test
    void aTokenIssuedByTheCliOpensOnlyItsSourceSurvivesRestartsAndIsNeverLogged(@TempDir Path dir) throws Exception {
        byte[] firing = WebhookFixtures.bytes("alertmanager-firing.json");
        Command status = gw.command(dir, "webhook-token");
        assertThat(status.exitCode()).as(status.toString()).isZero();
        assertThat(status.stdout()).as(status.toString()).containsPattern("alertmanager +no token yet")
                .contains("webhook-token --source <name> --rotate");

        String token = rotate(dir, "alertmanager");
        Launched first = gw.start(dir, Map.of("GATEWAY_HTTP_PORT", Integer.toString(freePort())));
        try {
            gw.awaitHealthy(first);
            HttpResponse<String> withToken = postWebhook(first.port(), "alertmanager", firing, "Bearer " + token);
            assertThat(withToken.statusCode()).as(withToken.body()).isEqualTo(200);
            assertThat(JSON.readTree(withToken.body()).path("accepted")).hasSize(2);
            HttpResponse<String> without = postWebhook(first.port(), "alertmanager", firing, null);
            assertThat(without.statusCode()).as(without.body()).isEqualTo(401);
            assertThat(without.body()).doesNotContain(token);
            HttpResponse<String> wrong = postWebhook(first.port(), "alertmanager", firing, "Bearer " + token + "x");
            assertThat(wrong.statusCode()).as(wrong.body()).isEqualTo(401);
            HttpResponse<String> elsewhere = postWebhook(first.port(), "grafana", WebhookFixtures.bytes("grafana-firing.json"),
                    "Bearer " + token);
            assertThat(elsewhere.statusCode()).as("the Alertmanager token opens only /webhooks/alertmanager").isEqualTo(401);
            assertThat(postWebhook(first.port(), "cloudevents", "{}".getBytes(StandardCharsets.UTF_8), "Bearer " + token)
                    .statusCode()).isEqualTo(401);
        } finally {
            stop(first.process());
        }
        String firstLog = Files.readString(first.log());
        assertThat(firstLog).as("the start-up log").doesNotContain(token).doesNotContain(token.substring(token.length() - 43));
        assertThat(firstLog).as("the start-up log names the sources without a token and how to issue one")
                .contains("[cloudevents, grafana] have no token yet").contains("webhook-token --source <name> --rotate");

        // Restart on the same store: the same token, nothing regenerated.
        Launched second = gw.start(dir, Map.of("GATEWAY_HTTP_PORT", Integer.toString(freePort())));
        try {
            gw.awaitHealthy(second);
            HttpResponse<String> again = postWebhook(second.port(), "alertmanager", firing, "Bearer " + token);
            assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
            JsonNode reply = JSON.readTree(again.body());
            assertThat(reply.path("accepted")).isEmpty();
            assertThat(reply.path("duplicates")).hasSize(2);
        } finally {
            stop(second.process());
        }
        assertThat(Files.readString(second.log())).doesNotContain(token);

        Command after = gw.command(dir, "webhook-token");
        assertThat(after.exitCode()).as(after.toString()).isZero();
        assertThat(after.stdout()).as(after.toString()).containsPattern("alertmanager +token issued").doesNotContain(token);
        Command refused = gw.command(dir, "webhook-token", "--source", "datadog", "--rotate");
        assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(2);
        assertThat(refused.stderr()).contains("DATADOG_WEBHOOK_TOKEN");
        assertThat(refused.stdout()).isEmpty();
    }

    @Test
    void onPostgresqlTheCliRotatesWhileTheGatewayRunsAndTheNewTokenWorksAtItsFirstUse(@TempDir Path dir) throws Exception {
        PostgresTestDatabase.assumeAvailable();
        try (PostgresTestDatabase db = PostgresTestDatabase.create()) {
            // The CLI takes no environment from the test: both processes read the store from ./config/gateway.yaml.
            Files.createDirectories(dir.resolve("config"));
            Files.writeString(dir.resolve("config/gateway.yaml"), """
                    store:
                      url: "%s"
                      user: "%s"
                      password: "%s"
                    """.formatted(db.jdbcUrl(), db.user() == null ? "postgres" : db.user(),
                    db.password() == null ? "" : db.password()));
            Launched running = gw.start(dir, Map.of("GATEWAY_HTTP_PORT", Integer.toString(freePort())));
            try {
                gw.awaitHealthy(running);
                byte[] firing = WebhookFixtures.bytes("alertmanager-firing.json");
                // A new token works at its first use (the gateway reads its tokens again when one does not match);
                // the replaced one stops at the next reload, within seconds.
                String first = rotate(dir, "alertmanager");
                HttpResponse<String> accepted = postWebhook(running.port(), "alertmanager", firing, "Bearer " + first);
                assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(200);
                assertThat(accepted.body()).contains("accepted");
                String second = rotate(dir, "alertmanager");
                assertThat(postWebhook(running.port(), "alertmanager", firing, "Bearer " + second).statusCode()).isEqualTo(200);
                awaitStatus(running.port(), firing, first, 401);
            } finally {
                stop(running.process());
            }
        }
    }

    private String rotate(Path dir, String source) throws Exception {
        Command rotated = gw.command(dir, "webhook-token", "--source", source, "--rotate");
        assertThat(rotated.exitCode()).as(rotated.toString()).isZero();
        List<String> lines = rotated.stdout().lines().filter(l -> !l.isBlank()).toList();
        assertThat(lines).as("the token alone on stdout (for TOKEN=$(... --rotate)); %s", rotated).hasSize(1);
        assertThat(lines.get(0)).matches("igw_wh_" + source + "_[A-Za-z0-9_-]{43}");
        return lines.get(0);
    }

    private HttpResponse<String> awaitStatus(int port, byte[] body, String token, int status) throws Exception {
        Instant deadline = Instant.now().plus(PATIENCE);
        HttpResponse<String> r = postWebhook(port, "alertmanager", body, "Bearer " + token);
        while (r.statusCode() != status && Instant.now().isBefore(deadline)) {
            Thread.sleep(200);
            r = postWebhook(port, "alertmanager", body, "Bearer " + token);
        }
        assertThat(r.statusCode()).as("after waiting for the gateway to reload its tokens: %s", r.body()).isEqualTo(status);
        return r;
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
