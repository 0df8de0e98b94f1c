package dev.incidentgateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.incidentgateway.testsupport.GatewayProcess;
import dev.incidentgateway.testsupport.GatewayProcess.Command;
import dev.incidentgateway.testsupport.GatewayProcess.Launched;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static dev.incidentgateway.testsupport.GatewayProcess.START_TIMEOUT;
import static dev.incidentgateway.testsupport.GatewayProcess.freePort;
import static dev.incidentgateway.testsupport.GatewayProcess.stop;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shaded jar as operators run it: a separate JVM in an empty working directory, configured only by
 * environment variables, with the default embedded H2 store under {@code ./data}. Then the offline
 * commands {@code verify} and {@code rebuild-views} on the same files, before and after tampering.
 */
class GatewayJarIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static GatewayProcess gw;
    private String key;

    @BeforeAll
    static void findJar() {
        gw = GatewayProcess.locate();
    }

    @Test
    void servesDeclaresThenVerifyDetectsTamperingAndRebuildViewsSucceeds(@TempDir Path dir) throws Exception {
        int port = freePort();
        String incidentId;
        key = gw.createApiKey(dir, Map.of(), "jar-test", "read,write");
        Launched server = gw.start(dir, Map.of("GATEWAY_HTTP_PORT", Integer.toString(port)));
        try {
            String health = gw.awaitHealthy(server);
            assertThat(JSON.readTree(health).path("status").asText()).isEqualTo("UP");
            HttpResponse<String> declared = post(port, "/api/v1/incidents", "{\"title\":\"Jar test\",\"actor\":\"alice\",\"severity\":\"sev1\"}");
            assertThat(declared.statusCode()).as(declared.body()).isEqualTo(201);
            incidentId = JSON.readTree(declared.body()).path("id").asText();
            assertThat(incidentId).matches("INC-[0-9]+");
            assertThat(post(port, "/api/v1/incidents/" + incidentId + "/events", "{\"type\":\"ack\",\"actor\":\"bob\"}").statusCode())
                    .isEqualTo(201);
            assertThat(post(port, "/api/v1/incidents/" + incidentId + "/events", "{\"type\":\"resolve\",\"actor\":\"bob\"}").statusCode())
                    .isEqualTo(201);
            HttpResponse<String> view = gw.send(gw.request(port, "/api/v1/incidents/" + incidentId)
                    .header("Authorization", "Bearer " + key).GET());
            JsonNode incident = JSON.readTree(view.body());
            assertThat(incident.path("status").asText()).isEqualTo("resolved");
            assertThat(incident.path("lastSeq").asLong()).isEqualTo(3);
        } finally {
            stop(server.process());
        }
        assertThat(dir.resolve("data/gateway.mv.db")).as("the default store is an H2 file under ./data").isRegularFile();

        Command verified = gw.command(dir, "verify");
        assertThat(verified.exitCode()).as(verified.output()).isEqualTo(0);
        assertThat(verified.output()).contains("OK");

        String url = "jdbc:h2:file:" + dir.resolve("data/gateway").toAbsolutePath() + ";AUTO_SERVER=TRUE";
        try (Connection c = DriverManager.getConnection(url, "sa", ""); Statement st = c.createStatement()) {
            assertThat(st.executeUpdate("UPDATE timeline_events SET title='tampered' WHERE seq=1")).isEqualTo(1);
        }

        Command broken = gw.command(dir, "verify");
        assertThat(broken.exitCode()).as(broken.output()).isEqualTo(1);
        assertThat(broken.output()).contains("BROKEN").contains(incidentId);

        Command rebuilt = gw.command(dir, "rebuild-views");
        assertThat(rebuilt.exitCode()).as(rebuilt.output()).isEqualTo(0);
    }

    @Test
    void aPortAlreadyInUseExitsWith2NamingTheVariable(@TempDir Path dir) throws Exception {
        try (ServerSocket taken = new ServerSocket(0)) {
            int port = taken.getLocalPort();
            Launched p = gw.start(dir, Map.of("GATEWAY_HTTP_PORT", Integer.toString(port)));
            try {
                boolean exited = p.process().waitFor(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                String output = Files.readString(p.log());
                assertThat(exited).as("the process must stop by itself when its port is taken; output:%n%s", output).isTrue();
                assertThat(p.process().exitValue()).as(output).isEqualTo(2);
                assertThat(output).contains("GATEWAY_HTTP_PORT");
                // Checked with the other configuration before anything is created: nothing to clean up by hand.
                assertThat(dir.resolve("data")).as("no store was created; output:%n%s", output).doesNotExist();
                assertThat(dir.resolve("keys")).as("no keys were generated; output:%n%s", output).doesNotExist();
            } finally {
                stop(p.process());
            }
        }
    }

    private HttpResponse<String> post(int port, String path, String json) throws Exception {
        return gw.send(gw.request(port, path).header("Content-Type", "application/json").header("Authorization", "Bearer " + key)
                .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8)));
    }
}
