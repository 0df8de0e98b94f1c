package dev.incidentgateway.lifecycle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.incidentgateway.testsupport.GatewayProcess;
import dev.incidentgateway.testsupport.HttpApi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The log settings in the shaded jar. {@code GATEWAY_LOG_FORMAT=json}: from the start to the graceful stop every line of
 * the log is one JSON object with the fields a log pipeline reads, a refused webhook's WARN among them, and no secret in
 * any. {@code GATEWAY_LOG_LEVEL=debug}: the gateway's own DEBUG lines, and no other library's.
 */
class GatewayLogIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final String token = "log-token-" + UUID.randomUUID();

    /** What one run of the gateway logged, each line parsed as JSON, and its port. */
    private record Run(List<JsonNode> entries, int port) {
    }

    /** Starts the jar with {@code settings}, declares an incident, sends a webhook with {@code bearer}, stops it. */
    private Run run(Path dir, Map<String, String> settings, String bearer, int webhookStatus) throws Exception {
        GatewayProcess jar = GatewayProcess.locate();
        Map<String, String> env = new HashMap<>(settings);
        env.put("GATEWAY_LOG_FORMAT", "json");
        env.put("GATEWAY_WEBHOOK_TOKEN", token);
        env.put("GATEWAY_HTTP_PORT", Integer.toString(GatewayProcess.freePort()));
        String key = jar.createApiKey(dir, env, "log", "read,write");
        GatewayProcess.Launched gateway = jar.start(dir, env);
        try {
            jar.awaitHealthy(gateway);
            HttpApi http = new HttpApi(gateway.port(), key);
            assertThat(http.postJson("/api/v1/incidents", HttpApi.obj("id", "LOG-1", "title", "Logged", "actor", "alice",
                    "severity", "sev1")).status()).isEqualTo(201);
            assertThat(http.post("/webhooks/alertmanager", "application/json", "{}", "Authorization", "Bearer " + bearer)
                    .status()).isEqualTo(webhookStatus);
        } finally {
            GatewayProcess.stop(gateway.process());
        }
        assertThat(Files.readString(gateway.log())).doesNotContain(token).doesNotContain(key);
        List<JsonNode> entries = new ArrayList<>();
        for (String line : Files.readAllLines(gateway.log())) {
            if (!line.startsWith("Picked up JAVA_TOOL_OPTIONS")) { // the JVM's own line, before any code runs
                entries.add(JSON.readTree(line));
            }
        }
        return new Run(entries, gateway.port());
    }

    @Test
    void everyLineFromStartToStopIsOneJsonObjectWithoutSecrets(@TempDir Path dir) throws Exception {
        Run run = run(dir, Map.of(), "wrong-" + token, 401);
        for (JsonNode entry : run.entries()) {
            assertThat(entry.isObject()).as(entry.toString()).isTrue();
            assertThat(entry.path("timestamp").isNumber()).as(entry.toString()).isTrue();
            assertThat(entry.path("level").asText()).as(entry.toString()).isIn("TRACE", "DEBUG", "INFO", "WARN", "ERROR");
            assertThat(entry.path("loggerName").asText()).as(entry.toString()).isNotEmpty();
            assertThat(entry.has("formattedMessage")).as(entry.toString()).isTrue();
            assertThat(entry.has("arguments")).as("the message once, rendered").isFalse();
        }
        assertThat(run.entries()).extracting(e -> e.path("formattedMessage").asText())
                .anySatisfy(m -> assertThat(m).startsWith("Incident Gateway listening on port " + run.port()))
                .anySatisfy(m -> assertThat(m).contains("alertmanager").contains("401"));
        assertThat(run.entries().get(run.entries().size() - 1).path("loggerName").asText()).as("the stop's last line too")
                .startsWith("dev.incidentgateway");
        assertThat(run.entries()).as("the default level").noneMatch(e -> "DEBUG".equals(e.path("level").asText()));
    }

    @Test
    void debugOpensTheGatewaysOwnDebugLinesAndNoOtherLibrarys(@TempDir Path dir) throws Exception {
        Run run = run(dir, Map.of("GATEWAY_LOG_LEVEL", "debug"), token, 400);
        assertThat(run.entries()).filteredOn(e -> "DEBUG".equals(e.path("level").asText())).as("the gateway's DEBUG lines")
                .isNotEmpty().allSatisfy(e -> assertThat(e.path("loggerName").asText()).as("no other library's DEBUG")
                        .startsWith("dev.incidentgateway."));
    }
}
