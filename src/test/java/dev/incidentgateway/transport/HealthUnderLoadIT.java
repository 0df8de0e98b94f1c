package dev.incidentgateway.transport;

import dev.incidentgateway.Gateway;
import dev.incidentgateway.testsupport.HttpApi;
import dev.incidentgateway.testsupport.PausableTcpProxy;
import dev.incidentgateway.testsupport.PostgresTestDatabase;
import dev.incidentgateway.testsupport.GatewayBehindProxy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * PostgreSQL hangs (a paused TCP proxy) while more appends than there are request threads wait for it: every
 * request thread is blocked, so a request that needs one (here /metrics) gets no answer, yet GET /health without a
 * credential answers (from the event loop) and turns DOWN; after the resume everything answers again, the appends
 * included although they waited longer than the read and idle timeouts. Bounds are
 * generous: a 2 s client timeout on /health is the only clock.
 */
class HealthUnderLoadIT {
    /** More than Vert.x's 20 worker threads. */
    private static final int BLOCKED_APPENDS = 30;

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    private GatewayBehindProxy setup;
    private PausableTcpProxy proxy;
    private Gateway gateway;
    private String adminKey;

    @AfterEach
    void stop() {
        if (setup != null) {
            setup.close();
        }
    }

    @Test
    void healthAnswersWhileEveryRequestThreadIsBlockedOnAHungDatabase() throws Exception {
        PostgresTestDatabase.assumeAvailable();
        // Read and idle timeouts far below the time the appends wait: time spent answering is not cut off.
        setup = GatewayBehindProxy.start(Map.of("GATEWAY_APPEND_TIMEOUT_MS", "20000",
                "GATEWAY_HTTP_READ_TIMEOUT_S", "2", "GATEWAY_HTTP_IDLE_TIMEOUT_S", "2"));
        proxy = setup.proxy();
        gateway = setup.gateway();
        adminKey = setup.adminKey();
        String id = "LOAD-1";
        assertThat(send(post("/api/v1/incidents", "{\"id\":\"" + id + "\",\"title\":\"Load\",\"actor\":\"t\"}")).statusCode())
                .isEqualTo(201);

        proxy.pause();
        List<CompletableFuture<HttpResponse<String>>> appends = new ArrayList<>();
        for (int i = 0; i < BLOCKED_APPENDS; i++) {
            appends.add(client.sendAsync(post("/api/v1/incidents/" + id + "/events",
                    "{\"type\":\"note\",\"actor\":\"t\",\"content\":\"n" + i + "\"}"), HttpResponse.BodyHandlers.ofString()));
        }
        assertThat(workersBlocked()).as("every request thread waits on the database (else this test proves nothing)").isTrue();

        HttpResponse<String> health = anonymousHealth();
        assertThat(health.statusCode()).isIn(200, 503);
        assertThat(awaitAnonymousHealth(503, "DOWN")).as("/health turns DOWN while the request threads are blocked").isTrue();

        proxy.resume();
        for (CompletableFuture<HttpResponse<String>> f : appends) {
            HttpResponse<String> r = f.get(60, TimeUnit.SECONDS);
            assertThat(r.statusCode()).as("every waiting append gets its answer: %s", r.body()).isIn(201, 503);
        }
        assertThat(awaitAnonymousHealth(200, "UP")).isTrue();
        assertThat(send(authorized("/metrics").GET().build()).statusCode()).isEqualTo(200);
    }

    /** True once a request that needs a request thread (/metrics with a key) gets no answer within 3 s. */
    private boolean workersBlocked() throws Exception {
        for (int i = 0; i < 10; i++) {
            try {
                client.send(authorized("/metrics").timeout(Duration.ofSeconds(3)).GET().build(), HttpResponse.BodyHandlers.ofString());
                Thread.sleep(200);
            } catch (HttpTimeoutException noThreadFree) {
                return true;
            }
        }
        return false;
    }

    private boolean awaitAnonymousHealth(int status, String text) throws Exception {
        for (int i = 0; i < 100; i++) {
            HttpResponse<String> r = anonymousHealth();
            if (r.statusCode() == status) {
                assertThat(HttpApi.JSON.readTree(r.body()).path("status").asText()).isEqualTo(text);
                return true;
            }
            Thread.sleep(200);
        }
        return false;
    }

    /** Must answer within 2 s (a hang fails the test with HttpTimeoutException). */
    private HttpResponse<String> anonymousHealth() throws Exception {
        return client.send(HttpRequest.newBuilder(uri("/health")).timeout(Duration.ofSeconds(2)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest post(String path, String json) {
        return authorized(path).timeout(Duration.ofSeconds(60)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build();
    }

    private HttpResponse<String> send(HttpRequest r) throws Exception {
        return client.send(r, HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest.Builder authorized(String path) {
        return HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10)).header("Authorization", "Bearer " + adminKey);
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + gateway.port() + path);
    }
}
