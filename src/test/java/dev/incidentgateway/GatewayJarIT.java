package dev.incidentgateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The shaded jar as operators run it: a separate JVM in an empty working directory, configured only by
 * environment variables, with the default embedded H2 store under {@code ./data}. Then the offline
 * commands {@code verify} and {@code rebuild-views} on the same files, before and after tampering.
 */
class GatewayJarIT {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(45);
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(45);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicInteger LOGS = new AtomicInteger();

    private static Path jar;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    @BeforeAll
    static void findJar() {
        String prop = System.getProperty("gateway.jar");
        jar = Path.of(prop == null || prop.isBlank() ? "target/incident-gateway.jar" : prop).toAbsolutePath();
        assertThat(jar).as("the shaded jar (run mvn package first)").isRegularFile();
    }

    @Test
    void servesDeclaresThenVerifyDetectsTamperingAndRebuildViewsSucceeds(@TempDir Path dir) throws Exception {
        int port = freePort();
        String incidentId;
        Process server = start(dir, Map.of("GATEWAY_HTTP_PORT", Integer.toString(port)));
        try {
            awaitHealthy(server, port);
            HttpResponse<String> declared = post(port, "/api/v1/incidents", "{\"title\":\"Jar test\",\"actor\":\"alice\",\"severity\":\"sev1\"}");
            assertThat(declared.statusCode()).as(declared.body()).isEqualTo(201);
            incidentId = JSON.readTree(declared.body()).path("id").asText();
            assertThat(incidentId).matches("INC-[0-9]+");
            assertThat(post(port, "/api/v1/incidents/" + incidentId + "/events", "{\"type\":\"ack\",\"actor\":\"bob\"}").statusCode())
                    .isEqualTo(201);
            assertThat(post(port, "/api/v1/incidents/" + incidentId + "/events", "{\"type\":\"resolve\",\"actor\":\"bob\"}").statusCode())
                    .isEqualTo(201);
            HttpResponse<String> view = client.send(request(port, "/api/v1/incidents/" + incidentId).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            JsonNode incident = JSON.readTree(view.body());
            assertThat(incident.path("status").asText()).isEqualTo("resolved");
            assertThat(incident.path("lastSeq").asLong()).isEqualTo(3);
        } finally {
            stop(server);
        }
        assertThat(dir.resolve("data/gateway.mv.db")).as("the default store is an H2 file under ./data").isRegularFile();

        Result verified = run(dir, "verify");
        assertThat(verified.exitCode()).as(verified.output()).isEqualTo(0);
        assertThat(verified.output()).contains("OK");

        String url = "jdbc:h2:file:" + dir.resolve("data/gateway").toAbsolutePath() + ";AUTO_SERVER=TRUE";
        try (Connection c = DriverManager.getConnection(url, "sa", ""); Statement st = c.createStatement()) {
            assertThat(st.executeUpdate("UPDATE timeline_events SET title='tampered' WHERE seq=1")).isEqualTo(1);
        }

        Result broken = run(dir, "verify");
        assertThat(broken.exitCode()).as(broken.output()).isEqualTo(1);
        assertThat(broken.output()).contains("BROKEN").contains(incidentId);

        Result rebuilt = run(dir, "rebuild-views");
        assertThat(rebuilt.exitCode()).as(rebuilt.output()).isEqualTo(0);
    }

    @Test
    void aPortAlreadyInUseExitsWith2NamingTheVariable(@TempDir Path dir) throws Exception {
        try (ServerSocket taken = new ServerSocket(0)) {
            int port = taken.getLocalPort();
            Process p = start(dir, Map.of("GATEWAY_HTTP_PORT", Integer.toString(port)));
            try {
                boolean exited = p.waitFor(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                String output = Files.readString(logOf(p));
                assertThat(exited).as("the process must stop by itself when its port is taken; output:%n%s", output).isTrue();
                assertThat(p.exitValue()).as(output).isEqualTo(2);
                assertThat(output).contains("GATEWAY_HTTP_PORT");
            } finally {
                stop(p);
            }
        }
    }

    // ---------------------------------------------------------------- process helpers

    private record Result(int exitCode, String output) {
    }

    private final Map<Process, Path> logs = new java.util.concurrent.ConcurrentHashMap<>();

    private Process start(Path dir, Map<String, String> env, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx256m");
        command.add("-jar");
        command.add(jar.toString());
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        // Only what the test sets: no store, config file or routes dir inherited from the caller's environment.
        pb.environment().keySet().removeIf(k -> k.startsWith("GATEWAY_"));
        pb.environment().putAll(env);
        Path log = dir.resolve("process-" + LOGS.incrementAndGet() + ".log");
        pb.redirectOutput(log.toFile());
        Process p = pb.start();
        logs.put(p, log);
        return p;
    }

    private Path logOf(Process p) {
        return logs.get(p);
    }

    private Result run(Path dir, String... args) throws Exception {
        Process p = start(dir, Map.of(), args);
        try {
            if (!p.waitFor(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                fail("'%s' did not finish within %s; output:%n%s", String.join(" ", args), COMMAND_TIMEOUT, Files.readString(logOf(p)));
            }
            return new Result(p.exitValue(), Files.readString(logOf(p)));
        } finally {
            stop(p);
        }
    }

    private static void stop(Process p) throws InterruptedException {
        if (p.isAlive()) {
            p.destroy(); // SIGTERM: Camel Main shuts down gracefully and H2 closes its file
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    private void awaitHealthy(Process server, int port) throws Exception {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            if (!server.isAlive()) {
                fail("the gateway exited with %d before becoming healthy; output:%n%s", server.exitValue(),
                        Files.readString(logOf(server)));
            }
            try {
                HttpResponse<String> r = client.send(request(port, "/health").GET().build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    assertThat(JSON.readTree(r.body()).path("status").asText()).isEqualTo("UP");
                    return;
                }
                last = r.statusCode() + " " + r.body();
            } catch (ConnectException notYet) {
                // still starting
            } catch (IOException e) {
                last = e.toString();
            }
            Thread.sleep(200);
        }
        fail("/health did not answer 200 within %s (last: %s); output:%n%s", START_TIMEOUT, last, Files.readString(logOf(server)));
    }

    private HttpRequest.Builder request(int port, String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10));
    }

    private HttpResponse<String> post(int port, String path, String json) throws Exception {
        return client.send(request(port, path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
