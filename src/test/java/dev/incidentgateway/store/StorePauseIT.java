package dev.incidentgateway.store;

import com.fasterxml.jackson.databind.JsonNode;
import dev.incidentgateway.Gateway;
import dev.incidentgateway.testsupport.CapturedLogs;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * PostgreSQL stopped (the proxy cuts every connection and refuses new ones) and started again; and PostgreSQL
 * hangs (a TCP proxy between the gateway and the database stops forwarding, connections stay open) and
 * comes back: appends answer 503 + Retry-After within the append timeout, /health keeps answering and says DOWN,
 * and after the resume appends succeed again with nothing acknowledged-then-lost. (H2 runs in-process: it cannot
 * be paused.) Bounds are generous on purpose: no timing is measured here.
 */
class StorePauseIT {
    private static final int APPEND_TIMEOUT_MS = 1500;
    private int appendTimeoutMs = APPEND_TIMEOUT_MS;

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
    void aPausedDatabaseGets503sAndHealthDownAndEverythingRecoversWithNothingAcknowledgedLost() throws Exception {
        PostgresTestDatabase.assumeAvailable();
        startGatewayBehindProxy();
        String id = "PAUSE-1";
        assertThat(post("/api/v1/incidents", "{\"id\":\"" + id + "\",\"title\":\"Paused\",\"actor\":\"t\"}", null).statusCode())
                .isEqualTo(201);
        Map<String, String> acknowledged = new LinkedHashMap<>(); // Idempotency-Key -> event id of each 2xx
        for (int i = 0; i < 5; i++) {
            appendAcknowledged(id, "before-" + i, acknowledged);
        }
        assertThat(health().statusCode()).isEqualTo(200);

        proxy.pause();
        List<CompletableFuture<HttpResponse<String>>> during = new ArrayList<>();
        for (int i = 0; i < 6; i++) { // more than the circuit breaker's threshold (5)
            during.add(CompletableFuture.supplyAsync(appendCall(id, "during-" + during.size())));
        }
        for (CompletableFuture<HttpResponse<String>> f : during) {
            HttpResponse<String> r = f.get();
            // 2xx would be possible only if it committed before the pause took hold; here the proxy was paused first.
            assertThat(r.statusCode()).as(r.body()).isEqualTo(503);
            assertThat(r.headers().firstValue("Retry-After")).isPresent();
            assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
            JsonNode problem = HttpApi.JSON.readTree(r.body());
            assertThat(problem.path("detail").asText()).contains("Idempotency-Key").doesNotContain("nothing was stored");
        }
        // The breaker is open now: the next append is refused without reaching the store, so nothing was stored.
        HttpResponse<String> refused = appendCall(id, "refused-0").get();
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
        assertThat(refused.headers().firstValue("Retry-After")).isPresent();
        assertThat(HttpApi.JSON.readTree(refused.body()).path("type").asText()).endsWith("store-unavailable");
        // /health answers (2 s client timeout: a hang fails the test) and turns DOWN while the store hangs.
        assertThat(awaitHealth(503)).isTrue();
        HttpResponse<String> read = get("/api/v1/incidents/" + id);
        assertThat(read.statusCode()).as("reads fail fast while the store is DOWN: %s", read.body()).isEqualTo(503);
        assertThat(read.headers().firstValue("Retry-After")).isPresent();
        readsAnswer503AtOnce();

        proxy.resume();
        assertThat(awaitHealth(200)).as("health UP again after the resume").isTrue();
        // The appends that got 503 are retried with their keys: each is stored once (whether or not it committed before).
        for (int i = 0; i < during.size(); i++) {
            appendAcknowledged(id, "during-" + i, acknowledged);
        }
        appendAcknowledged(id, "refused-0", acknowledged);
        appendAcknowledged(id, "after-0", acknowledged);

        assertStoredOnce(id, acknowledged);
    }

    @Test
    void aStoppedDatabaseGetsFast503sForWholeGroupsAndEverythingRecoversWithNothingAcknowledgedLost() throws Exception {
        PostgresTestDatabase.assumeAvailable();
        startGatewayBehindProxy();
        String id = "STOP-1";
        assertThat(post("/api/v1/incidents", "{\"id\":\"" + id + "\",\"title\":\"Stopped\",\"actor\":\"t\"}", null).statusCode())
                .isEqualTo(201);
        Map<String, String> acknowledged = new LinkedHashMap<>();
        for (int i = 0; i < 3; i++) {
            appendAcknowledged(id, "before-" + i, acknowledged);
        }

        proxy.stop();
        // Concurrent appends while the database is down: each answers 503 + Retry-After (the request timeout in post()
        // fails the test on a hang), none 2xx, none another 5xx.
        List<CompletableFuture<HttpResponse<String>>> during = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            during.add(CompletableFuture.supplyAsync(appendCall(id, "down-" + i)));
        }
        for (CompletableFuture<HttpResponse<String>> f : during) {
            HttpResponse<String> r = f.get();
            assertThat(r.statusCode()).as(r.body()).isEqualTo(503);
            assertThat(r.headers().firstValue("Retry-After")).isPresent();
            assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        }
        assertThat(awaitHealth(503)).as("health DOWN while the database is stopped").isTrue();

        resumeAndRetry(id, "down", during.size(), acknowledged);
        assertStoredOnce(id, acknowledged);
    }

    /**
     * README: "An outage is logged as one event". Once the health probe has logged it, the background work that keeps
     * retrying — the outbox relay's poll, the SLA scan, the checkpoint tick, a failing append group, HikariCP's pool —
     * logs at DEBUG, not a WARN (with a stack trace) at every retry: an operator sees the one line that says why.
     */
    @Test
    void aKnownOutageIsNotLoggedAgainByEveryRetry() throws Exception {
        PostgresTestDatabase.assumeAvailable();
        setup = GatewayBehindProxy.start(Map.of("GATEWAY_APPEND_TIMEOUT_MS", String.valueOf(APPEND_TIMEOUT_MS),
                "SLACK_BOT_TOKEN", "xoxb-test", "SLACK_CHANNEL", "C123", "SLACK_API_URL", "http://127.0.0.1:9/api",
                "GATEWAY_SLA_SCAN_INTERVAL_MS", "1000", "GATEWAY_CHECKPOINT_INTERVAL_S", "1"));
        proxy = setup.proxy();
        gateway = setup.gateway();
        adminKey = setup.adminKey();
        assertThat(post("/api/v1/incidents", "{\"id\":\"QUIET-1\",\"title\":\"Quiet\",\"actor\":\"t\"}", null).statusCode())
                .isEqualTo(201);

        List<String> retriesLogged;
        try (CapturedLogs logs = CapturedLogs.root()) {
            proxy.stop();
            // /health turns DOWN as soon as probes stop finishing; the outage is known (and logged) once a probe failed.
            java.util.function.Supplier<List<ch.qos.logback.classic.spi.ILoggingEvent>> outageLine = () -> logs.events(
                    e -> e.getLoggerName().endsWith("StoreOutage") && e.getFormattedMessage().startsWith("The store does not answer"));
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> !outageLine.get().isEmpty());
            long knownSince = outageLine.get().get(0).getTimeStamp() + 200;
            for (int i = 0; i < 3; i++) {
                assertThat(appendCall("QUIET-1", "quiet-" + i).get().statusCode()).isEqualTo(503);
            }
            Thread.sleep(4000); // ~20 relay polls, ~4 SLA scans, ~4 checkpoint ticks
            retriesLogged = logs.lines(e -> e.getTimeStamp() > knownSince && e.getLevel().isGreaterOrEqual(ch.qos.logback.classic.Level.WARN)
                    && List.of("OutboxRelay", "TimelineWriter", "AuditApi", "sla-tracker", "PoolBase").stream()
                    .anyMatch(e.getLoggerName()::endsWith));
        }
        assertThat(retriesLogged).as("retries during a known outage log at DEBUG").isEmpty();
        proxy.start();
        assertThat(awaitHealth(200)).isTrue();
    }

    @Test
    void aDatabaseRefusingConnectionsFailsTheQueuedAppendsAsNotStoredAndOpensTheBreaker() throws Exception {
        PostgresTestDatabase.assumeAvailable();
        // An append timeout far above the pool's connection timeout (5 s), so that what answers is the writer, not it.
        startGatewayBehindProxy(20_000);
        String id = "REFUSE-1";
        assertThat(post("/api/v1/incidents", "{\"id\":\"" + id + "\",\"title\":\"Refused\",\"actor\":\"t\"}", null).statusCode())
                .isEqualTo(201);
        Map<String, String> acknowledged = new LinkedHashMap<>();
        appendAcknowledged(id, "before", acknowledged);

        proxy.stop();
        // Past Hikari's 500 ms alive-bypass window every pooled connection is checked when lent, found dead and dropped,
        // so each append needs a new connection, which the stopped database refuses.
        Thread.sleep(1_000);
        List<CompletableFuture<HttpResponse<String>>> during = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            during.add(CompletableFuture.supplyAsync(appendCall(id, "refused-" + i)));
        }
        for (CompletableFuture<HttpResponse<String>> f : during) {
            HttpResponse<String> r = f.get();
            assertThat(r.statusCode()).as(r.body()).isEqualTo(503);
            assertThat(r.headers().firstValue("Retry-After")).isPresent();
            // Not "append-outcome-unknown": no connection was had, nothing was sent, so the answer can say nothing was
            // stored (before, the writer tried a second connection for the same group and the store-wide failure was
            // answered as an unknown outcome, 10 s after the request).
            assertThat(HttpApi.JSON.readTree(r.body()).path("type").asText()).as(r.body()).endsWith(":store-unavailable");
        }
        HttpResponse<String> next = appendCall(id, "after-breaker").get();
        assertThat(next.statusCode()).as(next.body()).isEqualTo(503);
        HttpResponse<String> metrics = get("/metrics");
        assertThat(metrics.body()).as("the breaker refused the next append before the writer")
                .containsPattern("gateway_append_errors_total\\{[^}]*reason=\"CircuitOpen\"[^}]*\\} [1-9]")
                .as("the breaker and the store's state as series of their own, for alerts without /health")
                .contains("gateway_store_circuit_open 1.0", "gateway_store_up 0.0");

        resumeAndRetry(id, "refused", during.size(), acknowledged);
        assertStoredOnce(id, acknowledged);
        assertThat(get("/metrics").body()).contains("gateway_store_circuit_open 0.0", "gateway_store_up 1.0");
    }

    /** The database comes back: each append refused meanwhile ({@code prefix-0 … prefix-(n-1)}) is retried until acknowledged. */
    private void resumeAndRetry(String id, String prefix, int refused, Map<String, String> acknowledged) throws Exception {
        proxy.start();
        assertThat(awaitHealth(200)).as("health UP again once the database is back").isTrue();
        for (int i = 0; i < refused; i++) {
            appendAcknowledged(id, prefix + "-" + i, acknowledged);
        }
    }

    /** The incident's timeline holds its declaration and every acknowledged append, each once (retries stored nothing twice). */
    private void assertStoredOnce(String id, Map<String, String> acknowledged) throws Exception {
        HttpResponse<String> timeline = get("/api/v1/incidents/" + id + "/timeline?limit=1000");
        assertThat(timeline.statusCode()).isEqualTo(200);
        Set<String> storedIds = new HashSet<>();
        HttpApi.JSON.readTree(timeline.body()).path("events").forEach(e -> storedIds.add(e.path("id").asText()));
        assertThat(storedIds).as("every acknowledged append is stored, once").containsAll(acknowledged.values())
                .hasSize(1 + acknowledged.size());
    }

    private void startGatewayBehindProxy() {
        startGatewayBehindProxy(APPEND_TIMEOUT_MS);
    }

    private void startGatewayBehindProxy(int appendTimeout) {
        appendTimeoutMs = appendTimeout;
        setup = GatewayBehindProxy.start(Map.of("GATEWAY_APPEND_TIMEOUT_MS", String.valueOf(appendTimeout)));
        proxy = setup.proxy();
        gateway = setup.gateway();
        adminKey = setup.adminKey();
    }

    /** Appends a note with the key until it is acknowledged (2xx), for at most 30 s; records its event id. */
    private void appendAcknowledged(String id, String key, Map<String, String> acknowledged) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        HttpResponse<String> r;
        do {
            r = appendCall(id, key).get();
            if (r.statusCode() / 100 == 2) {
                acknowledged.put(key, HttpApi.JSON.readTree(r.body()).path("id").asText());
                return;
            }
            assertThat(r.statusCode()).as(r.body()).isEqualTo(503);
            Thread.sleep(200);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("append " + key + " not acknowledged after the resume: " + r.statusCode() + " " + r.body());
    }

    private java.util.function.Supplier<HttpResponse<String>> appendCall(String id, String key) {
        return () -> {
            try {
                return post("/api/v1/incidents/" + id + "/events", "{\"type\":\"note\",\"actor\":\"t\",\"content\":\"" + key + "\"}", key);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };
    }

    /** Polls /health (each call must answer within 2 s) until it has {@code status}, for at most 20 s. */
    private boolean awaitHealth(int status) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            HttpResponse<String> r = health();
            if (r.statusCode() == status) {
                assertThat(HttpApi.JSON.readTree(r.body()).path("status").asText()).isEqualTo(status == 200 ? "UP" : "DOWN");
                return true;
            }
            Thread.sleep(200);
        }
        return false;
    }

    private HttpResponse<String> health() throws Exception {
        return client.send(request("/health", Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    /**
     * README: "reads answer 503 at once while the probe fails" — every read, the outbox's included (it waited the pool's
     * 5 s connection timeout for each answer), and the expensive reads (verify, the SLA report), which take their
     * connections from the pool directly. 3 s is far below those 5 s and far above the milliseconds it takes.
     */
    private void readsAnswer503AtOnce() throws Exception {
        for (String path : List.of("/api/v1/incidents", "/api/v1/events?limit=1", "/api/v1/stats", "/api/v1/outbox",
                "/api/v1/outbox?status=dead", "/api/v1/incidents/PAUSE-1/verify", "/api/v1/reports/sla", "/api/v1/stream",
                "/api/v1/stream?after=00000000000000000000000000")) {
            long started = System.nanoTime();
            HttpResponse<String> r = get(path);
            long tookMs = (System.nanoTime() - started) / 1_000_000;
            assertThat(r.statusCode()).as("%s while the store is DOWN: %s", path, r.body()).isEqualTo(503);
            assertThat(r.headers().firstValue("Retry-After")).as("Retry-After on %s", path).isPresent();
            assertThat(tookMs).as("%s answered 503 after %d ms", path, tookMs).isLessThan(3_000);
        }
    }

    private HttpResponse<String> get(String path) throws Exception {
        return client.send(request(path, Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A POST whose answer must come well within the append timeout plus slack (a hang fails the test). */
    private HttpResponse<String> post(String path, String json, String idempotencyKey) throws Exception {
        HttpRequest.Builder b = request(path, Duration.ofMillis(appendTimeoutMs + 8_000))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json));
        if (idempotencyKey != null) {
            b.header("Idempotency-Key", idempotencyKey);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest.Builder request(String path, Duration timeout) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + path))
                .timeout(timeout).header("Authorization", "Bearer " + adminKey);
    }
}
