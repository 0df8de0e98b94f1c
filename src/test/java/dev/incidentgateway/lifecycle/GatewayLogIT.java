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

    @Test
    void everyLineFromStartToStopIsOneJsonObjectWithoutSecrets(@TempDir Path dir) throws Exception {
        GatewayProcess jar = GatewayProcess.locate();
        String token = "json-log-token-" + UUID.randomUUID();
        Map<String, String> env = Map.of("GATEWAY_LOG_FORMAT", "json", "GATEWAY_WEBHOOK_TOKEN", token,
                "GATEWAY_HTTP_PORT", Integer.toString(GatewayProcess.freePort()));
        String key = jar.createApiKey(dir, env, "json-log", "read");
        GatewayProcess.Launched gateway = jar.start(dir, env);
        try {
            jar.awaitHealthy(gateway);
            HttpApi http = new HttpApi(gateway.port(), key);
            assertThat(http.post("/webhooks/alertmanager", "application/json", "{}", "Authorization", "Bearer wrong-" + token)
                    .status()).isEqualTo(401);
        } finally {
            GatewayProcess.stop(gateway.process());
        }

        List<JsonNode> entries = new ArrayList<>();
        for (String line : Files.readAllLines(gateway.log())) {
            if (line.startsWith("Picked up JAVA_TOOL_OPTIONS")) {
                continue; // the JVM's own line, before any code runs
            }
            JsonNode entry = JSON.readTree(line);
            assertThat(entry.isObject()).as(line).isTrue();
            assertThat(entry.path("timestamp").isNumber()).as(line).isTrue();
            assertThat(entry.path("level").asText()).as(line).isIn("TRACE", "DEBUG", "INFO", "WARN", "ERROR");
            assertThat(entry.path("loggerName").asText()).as(line).isNotEmpty();
            assertThat(entry.has("formattedMessage")).as(line).isTrue();
            assertThat(entry.has("arguments")).as("the message once, rendered").isFalse();
            entries.add(entry);
        }
        assertThat(entries).extracting(e -> e.path("formattedMessage").asText())
                .anySatisfy(m -> assertThat(m).startsWith("Incident Gateway listening on port " + gateway.port()))
                .anySatisfy(m -> assertThat(m).contains("alertmanager").contains("401"))
                .noneSatisfy(m -> assertThat(m).contains(token));
        assertThat(entries.get(entries.size() - 1).path("loggerName").asText()).as("the stop's last line too")
                .startsWith("dev.incidentgateway");
        assertThat(Files.readString(gateway.log())).doesNotContain(token).doesNotContain(key);
    }

    @Test
    void debugOpensTheGatewaysOwnDebugLinesAndNoOtherLibrarys(@TempDir Path dir) throws Exception {
        GatewayProcess jar = GatewayProcess.locate();
        String token = "debug-log-token-" + UUID.randomUUID();
        Map<String, String> env = Map.of("GATEWAY_LOG_LEVEL", "debug", "GATEWAY_LOG_FORMAT", "json",
                "GATEWAY_WEBHOOK_TOKEN", token, "GATEWAY_HTTP_PORT", Integer.toString(GatewayProcess.freePort()));
        String key = jar.createApiKey(dir, env, "debug-log", "read,write");
        GatewayProcess.Launched gateway = jar.start(dir, env);
        try {
            jar.awaitHealthy(gateway);
            HttpApi http = new HttpApi(gateway.port(), key);
            assertThat(http.postJson("/api/v1/incidents", HttpApi.obj("id", "LOG-1", "title", "Debug", "actor", "alice",
                    "severity", "sev1")).status()).isEqualTo(201);
            assertThat(http.post("/webhooks/alertmanager", "application/json", "{}", "Authorization", "Bearer " + token)
                    .status()).isEqualTo(400);
        } finally {
            GatewayProcess.stop(gateway.process());
        }
        List<JsonNode> debug = new ArrayList<>();
        for (String line : Files.readAllLines(gateway.log())) {
            if (!line.startsWith("Picked up JAVA_TOOL_OPTIONS")) {
                JsonNode entry = JSON.readTree(line);
                if ("DEBUG".equals(entry.path("level").asText())) {
                    debug.add(entry);
                }
            }
        }
        assertThat(debug).as("the gateway's DEBUG lines").isNotEmpty()
                .allSatisfy(e -> assertThat(e.path("loggerName").asText()).as("no other library's DEBUG")
                        .startsWith("dev.incidentgateway."));
        assertThat(Files.readString(gateway.log())).doesNotContain(token).doesNotContain(key);
    }
}
