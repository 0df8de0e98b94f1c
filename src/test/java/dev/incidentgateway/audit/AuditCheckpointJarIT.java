package dev.incidentgateway.audit;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.incidentgateway.testsupport.GatewayProcess;
import dev.incidentgateway.testsupport.GatewayProcess.Command;
import dev.incidentgateway.testsupport.GatewayProcess.Launched;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.Map;

import static dev.incidentgateway.testsupport.GatewayProcess.freePort;
import static dev.incidentgateway.testsupport.GatewayProcess.stop;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The jar as operators run it, quick start defaults: keys generated owner-only under ./keys, checkpoints signed on a
 * timer and at shutdown into ./data/checkpoints.jsonl and served at /api/v1/audit/checkpoint; {@code verify} checks
 * them, also from a copy a keeper stored; deleting the newest events is then detected.
 */
class AuditCheckpointJarIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static GatewayProcess gw;
    private String key;

    @BeforeAll
    static void findJar() {
        gw = GatewayProcess.locate();
    }

    @Test
    void checkpointsAreSignedServedKeptAndCatchACutTail(@TempDir Path dir) throws Exception {
        int port = freePort();
        // A long interval: every checkpoint here is made at start (nothing new) or at shutdown.
        Map<String, String> env = Map.of("GATEWAY_HTTP_PORT", Integer.toString(port), "GATEWAY_CHECKPOINT_INTERVAL_S", "3600");
        key = gw.createApiKey(dir, Map.of(), "audit-test", "read,write");
        Launched first = gw.start(dir, env);
        String id;
        try {
            gw.awaitHealthy(first);
            assertThat(get(port, "/api/v1/audit/checkpoint").statusCode()).as("empty log").isEqualTo(404);
            id = JSON.readTree(post(port, "/api/v1/incidents", "{\"title\":\"Jar audit\",\"actor\":\"alice\"}").body()).path("id").asText();
            assertThat(post(port, "/api/v1/incidents/" + id + "/events", "{\"type\":\"ack\",\"actor\":\"bob\"}").statusCode()).isEqualTo(201);
        } finally {
            stop(first.process()); // SIGTERM: a checkpoint of the two events
        }
        Path checkpoints = dir.resolve("data/checkpoints.jsonl");
        assertThat(Files.readAllLines(checkpoints)).as("checkpoint at shutdown").singleElement()
                .satisfies(line -> assertThat(JSON.readTree(line).path("count").asLong()).isEqualTo(2));

        Path kept = dir.resolve("kept-elsewhere.json");
        Launched second = gw.start(dir, env);
        try {
            gw.awaitHealthy(second);
            HttpResponse<String> latest = get(port, "/api/v1/audit/checkpoint");
            assertThat(latest.statusCode()).as(latest.body()).isEqualTo(200);
            assertThat(JSON.readTree(latest.body()).path("count").asLong()).isEqualTo(2);
            assertThat(JSON.readTree(latest.body()).path("publicKeyPem").asText()).startsWith("-----BEGIN PUBLIC KEY-----");
            Files.writeString(kept, latest.body());
            HttpResponse<String> note = post(port, "/api/v1/incidents/" + id + "/events", "{\"type\":\"note\",\"actor\":\"bob\",\"content\":\"x\"}");
            assertThat(note.statusCode()).as(note.body()).isEqualTo(201);
        } finally {
            stop(second.process());
        }
        List<String> lines = Files.readAllLines(checkpoints);
        assertThat(lines).hasSize(2);
        assertThat(JSON.readTree(lines.get(1)).path("count").asLong()).isEqualTo(3);

        assertThat(mode(dir.resolve("keys"))).isEqualTo("rwx------");
        assertThat(mode(dir.resolve("keys/chain.key"))).isEqualTo("rw-------");
        assertThat(mode(dir.resolve("keys/checkpoint-ed25519.key"))).isEqualTo("rw-------");
        assertThat(mode(checkpoints)).isEqualTo("rw-------");
        String chainKey = Files.readString(dir.resolve("keys/chain.key")).strip();
        assertThat(Files.readString(first.log()) + Files.readString(second.log())).doesNotContain(chainKey);

        Command ok = gw.command(dir, "verify");
        assertThat(ok.exitCode()).as(ok.output()).isZero();
        assertThat(ok.output()).contains("OK: 1 incidents, 3 events").contains("1 signed checkpoint");
        Command fromKeeper = gw.command(dir, "verify", "--checkpoint", kept.toString());
        assertThat(fromKeeper.exitCode()).as(fromKeeper.output()).isZero();

        String url = "jdbc:h2:file:" + dir.resolve("data/gateway").toAbsolutePath();
        try (Connection c = DriverManager.getConnection(url, "sa", ""); Statement st = c.createStatement()) {
            assertThat(st.executeUpdate("DELETE FROM timeline_events WHERE seq = 3")).isEqualTo(1);
            // The cut's author scrubs the SLA tracker's marks too: whether the tracker had marked the incident settled at
            // seq 3 before the gateway stopped is a race, and such a mark is itself evidence verify reports. This test is
            // about what the checkpoints alone can and cannot show.
            st.executeUpdate("DELETE FROM sla_settled");
        }
        assertThat(gw.command(dir, "rebuild-views").exitCode()).isZero();
        Command cut = gw.command(dir, "verify");
        assertThat(cut.exitCode()).as(cut.output()).isEqualTo(1);
        assertThat(cut.output()).contains("is not in the log");
        Command stillKept = gw.command(dir, "verify", "--checkpoint", kept.toString());
        assertThat(stillKept.exitCode()).as("the kept checkpoint is older than the cut: " + stillKept.output()).isZero();
    }

    private static String mode(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    private HttpResponse<String> get(int port, String path) throws Exception {
        return gw.send(gw.request(port, path).header("Authorization", "Bearer " + key).GET());
    }

    private HttpResponse<String> post(int port, String path, String json) throws Exception {
        return gw.send(gw.request(port, path).header("Content-Type", "application/json").header("Authorization", "Bearer " + key)
                .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8)));
    }
}
