package dev.incidentgateway.ingest;

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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The webhook token as an operator meets it, with the shaded jar in a separate JVM and no
 * {@code GATEWAY_WEBHOOK_TOKEN}: generated on first start and kept in the store, printed by
 * {@code java -jar incident-gateway.jar webhook-token} (also while the gateway runs: H2 with AUTO_SERVER),
 * never written to the log, and the same after a restart. Also: a descriptor that says {@code enabled: true}
 * while its secret variable is unset stops the start with exit code 2, naming the variable.
 */
class WebhookTokenIT {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(45);
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(45);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicInteger LOGS = new AtomicInteger();
    private static final String MISSING = "MISSING_SECRET_XYZ";

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
    void theGeneratedTokenIsPrintedByTheCliWorksSurvivesRestartsAndIsNeverLogged(@TempDir Path dir) throws Exception {
        byte[] firing = WebhookFixtures.bytes("alertmanager-firing.json");
        String token;
        Launched first = start(dir, Map.of("GATEWAY_HTTP_PORT", Integer.toString(freePort())));
        try {
            awaitHealthy(first);
            Command printed = command(dir, "webhook-token");
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
        Launched second = start(dir, Map.of("GATEWAY_HTTP_PORT", Integer.toString(freePort())));
        try {
            awaitHealthy(second);
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
        Command offline = command(dir, "webhook-token");
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
        Launched p = start(dir, Map.of("GATEWAY_HTTP_PORT", Integer.toString(freePort()),
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

    // ---------------------------------------------------------------- process helpers

    private record Launched(Process process, Path log, int port) {
    }

    private record Command(int exitCode, String stdout, String stderr) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout:\n" + stdout + "\n--- stderr:\n" + stderr;
        }
    }

    private ProcessBuilder builder(Path dir, Map<String, String> env, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx256m");
        command.add("-jar");
        command.add(jar.toString());
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
        // Only what the test sets: no token, store, connectors dir or secrets inherited from the caller.
        pb.environment().keySet().removeIf(k -> k.startsWith("GATEWAY_") || k.equals(MISSING)
                || k.equals("PAGERDUTY_WEBHOOK_SECRET") || k.equals("DATADOG_WEBHOOK_TOKEN"));
        pb.environment().putAll(env);
        return pb;
    }

    private Launched start(Path dir, Map<String, String> env) throws IOException {
        Path log = dir.resolve("gateway-" + LOGS.incrementAndGet() + ".log");
        ProcessBuilder pb = builder(dir, env).redirectErrorStream(true);
        pb.redirectOutput(log.toFile());
        return new Launched(pb.start(), log, Integer.parseInt(env.get("GATEWAY_HTTP_PORT")));
    }

    private Command command(Path dir, String... args) throws Exception {
        int n = LOGS.incrementAndGet();
        Path out = dir.resolve("command-" + n + ".out");
        Path err = dir.resolve("command-" + n + ".err");
        ProcessBuilder pb = builder(dir, Map.of(), args);
        pb.redirectOutput(out.toFile());
        pb.redirectError(err.toFile());
        Process p = pb.start();
        try {
            if (!p.waitFor(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                fail("'%s' did not finish within %s; output:%n%s%n%s", String.join(" ", args), COMMAND_TIMEOUT,
                        Files.readString(out), Files.readString(err));
            }
            return new Command(p.exitValue(), Files.readString(out), Files.readString(err));
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

    private void awaitHealthy(Launched server) throws Exception {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            if (!server.process().isAlive()) {
                fail("the gateway exited with %d before becoming healthy; output:%n%s", server.process().exitValue(),
                        Files.readString(server.log()));
            }
            try {
                HttpResponse<String> r = client.send(request(server.port(), "/health").GET().build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
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
        fail("/health did not answer 200 within %s (last: %s); output:%n%s", START_TIMEOUT, last, Files.readString(server.log()));
    }

    private HttpRequest.Builder request(int port, String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10));
    }

    private HttpResponse<String> postWebhook(int port, String source, byte[] body, String authorization) throws Exception {
        HttpRequest.Builder b = request(port, "/webhooks/" + source).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
