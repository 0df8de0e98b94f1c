package dev.incidentgateway.transport;

import dev.incidentgateway.Gateway;
import dev.incidentgateway.testsupport.HttpApi;
import dev.incidentgateway.testsupport.PausableTcpProxy;
import dev.incidentgateway.testsupport.PostgresTestDatabase;
import dev.incidentgateway.testsupport.GatewayBehindProxy;
import dev.incidentgateway.timeline.TimelineStore;
import io.vertx.core.VertxOptions;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * PostgreSQL hangs (a paused TCP proxy) while more reads than there are request threads wait for it: every request
 * thread is blocked, yet GET /health without a credential answers (from the event loop) and turns DOWN; appends sent
 * meanwhile hold no request thread while they wait for their commit (issue 13: only reads still need one). After the
 * resume everything answers again, the appends included although they waited longer than the read and idle timeouts.
 * Bounds are generous: a 2 s client timeout on /health is the only clock.
 *
 * <p>"Every request thread is blocked" is read from the threads themselves (the gateway runs in this JVM), before and
 * after /health answers. It used to be inferred from outside, from a /metrics request that got no answer within 3 s:
 * the requests stay blocked only until the pool gives up on the hung store (its 5 s connection timeout), so on a slow
 * machine that window could close before the 3 s did, and the test failed without the gateway doing anything wrong (CI,
 * twice).
 */
class HealthUnderLoadIT {
    /** The gateway's request threads: Vert.x's worker pool, which it does not resize. */
    private static final int WORKERS = VertxOptions.DEFAULT_WORKER_POOL_SIZE;
    /** More than there are request threads. */
    private static final int BLOCKED_READS = WORKERS + 10;
    private static final int WAITING_APPENDS = WORKERS + 10;

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
        String id = startWithIncident("LOAD-1");

        proxy.pause();
        List<CompletableFuture<HttpResponse<String>>> reads = new ArrayList<>();
        for (int i = 0; i < BLOCKED_READS; i++) {
            reads.add(client.sendAsync(authorized("/api/v1/incidents/" + id).timeout(Duration.ofSeconds(60)).GET().build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        List<CompletableFuture<HttpResponse<String>>> appends = sendNotes(id, 10);
        within10s("every request thread waits on the database (else this test proves nothing)").until(() -> workersInTheStore() == WORKERS);

        HttpResponse<String> health = anonymousHealth();
        assertThat(health.statusCode()).isIn(200, 503);
        assertThat(workersInTheStore()).as("/health answered while every request thread still waited").isEqualTo(WORKERS);
        assertThat(awaitAnonymousHealth(503, "DOWN")).as("/health turns DOWN while the request threads are blocked").isTrue();

        proxy.resume();
        for (CompletableFuture<HttpResponse<String>> f : reads) {
            HttpResponse<String> r = f.get(60, TimeUnit.SECONDS);
            assertThat(r.statusCode()).as("every waiting read gets its answer: %s", r.body()).isIn(200, 503);
        }
        assertAnswered(appends);
        assertThat(awaitAnonymousHealth(200, "UP")).isTrue();
        assertThat(send(authorized("/metrics").GET().build()).statusCode()).isEqualTo(200);
    }

    /**
     * More appends (notes and declares) than request threads wait for a hung store, and a request that needs a request
     * thread (/metrics with a key) is still answered: no thread waits for a commit. (Before, each append held one until
     * its group committed.)
     */
    @Test
    void appendsWaitingForAHungDatabaseHoldNoRequestThread() throws Exception {
        String id = startWithIncident("LOAD-2");

        proxy.pause();
        List<CompletableFuture<HttpResponse<String>>> appends = sendNotes(id, WAITING_APPENDS - 10);
        for (int i = 0; i < 10; i++) { // declares too: their answer reads the view after the commit, on a worker then
            appends.add(client.sendAsync(post("/api/v1/incidents", "{\"title\":\"Waiting " + i + "\",\"actor\":\"t\"}"),
                    HttpResponse.BodyHandlers.ofString()));
        }
        within10s("the appends reached the gateway and wait (else this test proves nothing)")
                .until(() -> gateway.requestsInFlight() >= WAITING_APPENDS);
        assertThat(workersInTheStore()).as("request threads inside the store").isZero();
        HttpResponse<String> metrics = send(authorized("/metrics").timeout(Duration.ofSeconds(5)).GET().build());
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(gateway.requestsInFlight()).as("/metrics was answered while the appends still waited")
                .isGreaterThanOrEqualTo(WAITING_APPENDS);

        proxy.resume();
        assertAnswered(appends);
    }

    private String startWithIncident(String id) throws Exception {
        PostgresTestDatabase.assumeAvailable();
        // Read and idle timeouts far below the time the requests wait: time spent answering is not cut off.
        setup = GatewayBehindProxy.start(Map.of("GATEWAY_APPEND_TIMEOUT_MS", "20000",
                "GATEWAY_HTTP_READ_TIMEOUT_S", "2", "GATEWAY_HTTP_IDLE_TIMEOUT_S", "2"));
        proxy = setup.proxy();
        gateway = setup.gateway();
        adminKey = setup.adminKey();
        assertThat(send(post("/api/v1/incidents", "{\"id\":\"" + id + "\",\"title\":\"Load\",\"actor\":\"t\"}")).statusCode())
                .isEqualTo(201);
        return id;
    }

    private List<CompletableFuture<HttpResponse<String>>> sendNotes(String id, int n) {
        List<CompletableFuture<HttpResponse<String>>> appends = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            appends.add(client.sendAsync(post("/api/v1/incidents/" + id + "/events",
                    "{\"type\":\"note\",\"actor\":\"t\",\"content\":\"n" + i + "\"}"), HttpResponse.BodyHandlers.ofString()));
        }
        return appends;
    }

    /** Every append is answered after the resume: committed, or 503 if the store's outage refused it first. */
    private static void assertAnswered(List<CompletableFuture<HttpResponse<String>>> appends) throws Exception {
        for (CompletableFuture<HttpResponse<String>> f : appends) {
            HttpResponse<String> r = f.get(60, TimeUnit.SECONDS);
            assertThat(r.statusCode()).as("every waiting append gets its answer: %s", r.body()).isIn(201, 503);
        }
    }

    /** A precondition polled every 100 ms for up to 10 s; {@code what} names it when it does not come true. */
    private static ConditionFactory within10s(String what) {
        return Awaitility.await(what).atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100));
    }

    /** Vert.x worker threads of this JVM whose stack is inside {@link TimelineStore}. */
    private static long workersInTheStore() {
        return Thread.getAllStackTraces().entrySet().stream()
                .filter(e -> e.getKey().getName().startsWith("vert.x-worker-thread-"))
                .filter(e -> Arrays.stream(e.getValue()).anyMatch(f -> f.getClassName().equals(TimelineStore.class.getName())))
                .count();
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
