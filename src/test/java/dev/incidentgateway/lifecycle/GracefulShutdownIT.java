package dev.incidentgateway.lifecycle;

import com.fasterxml.jackson.databind.JsonNode;
import dev.incidentgateway.connectors.jira.FakeJira;
import dev.incidentgateway.connectors.servicenow.FakeServiceNow;
import dev.incidentgateway.connectors.slack.FakeSlack;
import dev.incidentgateway.testsupport.ContractFake;
import dev.incidentgateway.testsupport.GatewayProcess;
import dev.incidentgateway.testsupport.HttpApi;
import dev.incidentgateway.testsupport.PostgresTestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.incidentgateway.testsupport.HttpApi.obj;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * SIGTERM to the real process (the shaded jar): it exits 0, keeps every acknowledged request, records every delivery
 * that finished, and so nothing is sent twice because of the stop.
 */
class GracefulShutdownIT {
    private static final List<String> LIFECYCLE = List.of("declare", "ack", "note", "mitigate", "resolve");
    private static final int SENDERS = 4;

    @Test
    void sigtermUnderLoadOnH2ExitsZeroLosesNothingAndSendsNothingTwice(@TempDir Path dir) throws Exception {
        sigtermUnderLoad(dir, Map.of());
    }

    @Test
    void sigtermUnderLoadOnPostgresqlExitsZeroLosesNothingAndSendsNothingTwice(@TempDir Path dir) throws Exception {
        try (PostgresTestDatabase db = PostgresTestDatabase.create()) {
            sigtermUnderLoad(dir, Map.of("GATEWAY_DB_URL", db.jdbcUrl(), "GATEWAY_DB_USER", db.user() == null ? "postgres" : db.user(),
                    "GATEWAY_DB_PASSWORD", db.password() == null ? "" : db.password()));
        }
    }

    private void sigtermUnderLoad(Path dir, Map<String, String> storeEnv) throws Exception {
        GatewayProcess jar = GatewayProcess.locate();
        List<ContractFake> fakes = List.of(new FakeServiceNow(), new FakeJira(), new FakeSlack());
        try {
            // Deliveries are in flight at the stop, and a backlog builds up behind them.
            Map<String, String> env = ContractFake.envFor(fakes, 50);
            env.putAll(storeEnv);
            env.put("GATEWAY_OUTBOX_BACKOFF_MS", "50");
            env.put("GATEWAY_OUTBOX_POLL_MS", "50");
            env.put("GATEWAY_OUTBOX_LEASE_MS", "10000"); // a row whose outcome was not recorded is due again soon after the restart
            env.put("GATEWAY_HTTP_PORT", Integer.toString(GatewayProcess.freePort()));
            String key = jar.createApiKey(dir, env, "shutdown", "read,write");

            GatewayProcess.Launched first = jar.start(dir, env);
            jar.awaitHealthy(first);
            Load load = new Load(new HttpApi(first.port(), key));
            load.start();
            try {
                // Stop it while incidents are being declared and deliveries run, with rows still waiting behind them.
                HttpApi http = new HttpApi(first.port(), key);
                await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                    assertThat(load.unexpected).as("unexpected answers").isEmpty();
                    assertThat(load.acknowledged()).as("acknowledged requests").isGreaterThanOrEqualTo(100);
                    assertThat(fakes.get(2).incidents()).as("incidents in Slack").hasSizeGreaterThanOrEqualTo(5);
                });
                assertThat(http.get("/api/v1/outbox?status=pending&limit=1").json().path("items"))
                        .as("deliveries still under way at the stop").isNotEmpty();
                // Slow answers from here on: at the stop every slot holds a delivery that takes a while to finish.
                fakes.forEach(f -> f.setLatencyMillis(1000));
                Thread.sleep(300);
                first.process().destroy(); // SIGTERM
                assertThat(first.process().waitFor(60, TimeUnit.SECONDS)).as("the gateway stopped within 60 s").isTrue();
            } finally {
                load.stop();
                GatewayProcess.stop(first.process());
            }
            String log = Files.readString(first.log());
            assertThat(first.process().exitValue()).as("exit status after SIGTERM; log:%n%s", log).isZero();
            assertThat(log).doesNotContainIgnoringCase("already closed").contains("Stopped: the store is closed");
            assertThat(load.unexpected).as("answers other than 2xx or the shutdown's 503").isEmpty();

            fakes.forEach(f -> f.setLatencyMillis(20));
            GatewayProcess.Launched second = jar.start(dir, env);
            try {
                jar.awaitHealthy(second);
                HttpApi http = new HttpApi(second.port(), key);
                Map<String, List<String>> stored = storedTimelines(http);
                load.acknowledgedByIncident.forEach((id, types) ->
                        assertThat(stored.get(id)).as("acknowledged events of %s after the restart", id).containsAll(types));
                await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                    assertThat(http.get("/api/v1/outbox?status=pending&limit=1").json().path("items")).isEmpty();
                    for (ContractFake f : fakes) {
                        assertThat(f.incidents()).as(f.getClass().getSimpleName()).containsAll(stored.keySet());
                    }
                });
                assertThat(http.get("/api/v1/outbox?status=dead&limit=10").json().path("items")).isEmpty();
                for (ContractFake f : fakes) {
                    for (Map.Entry<String, List<String>> incident : stored.entrySet()) {
                        String id = incident.getKey();
                        List<String> expected = f instanceof FakeJira // Jira has one "In Progress" for ack and mitigate
                                ? incident.getValue().stream().filter(t -> !t.equals("mitigate")).toList() : incident.getValue();
                        String what = f.getClass().getSimpleName() + " " + id;
                        assertThat(f.ticketCount(id)).as(what + " tickets").isEqualTo(1);
                        assertThat(f.receivedFor(id)).as(what + " received, each exactly once").containsExactlyElementsOf(expected);
                    }
                }
            } finally {
                GatewayProcess.stop(second.process());
            }
        } finally {
            fakes.forEach(ContractFake::close);
        }
    }

    @Test
    void aDeliveryStillRunningAtTheShutdownTimeoutDoesNotHoldTheStopAndIsDeliveredAfterTheRestart(@TempDir Path dir) throws Exception {
        GatewayProcess jar = GatewayProcess.locate();
        try (FakeSlack slack = new FakeSlack()) {
            Map<String, String> env = ContractFake.envFor(List.of(slack), 0);
            env.put("GATEWAY_OUTBOX_POLL_MS", "50");
            env.put("GATEWAY_OUTBOX_LEASE_MS", "10000");
            env.put("GATEWAY_SHUTDOWN_TIMEOUT_S", "1");
            env.put("GATEWAY_HTTP_PORT", Integer.toString(GatewayProcess.freePort()));
            String key = jar.createApiKey(dir, env, "slow", "read,write");
            GatewayProcess.Launched first = jar.start(dir, env);
            try {
                jar.awaitHealthy(first);
                slack.setLatencyMillis(5_000); // the vendor takes longer than the shutdown timeout
                assertThat(new HttpApi(first.port(), key).postJson("/api/v1/incidents",
                        obj("id", "SLOW-1", "title", "Slow", "actor", "a", "severity", "sev1")).status()).isEqualTo(201);
                Thread.sleep(1_000); // claimed and under way (the relay polls every 50 ms)
                first.process().destroy(); // SIGTERM
                assertThat(first.process().waitFor(60, TimeUnit.SECONDS)).isTrue();
            } finally {
                GatewayProcess.stop(first.process());
            }
            String log = Files.readString(first.log());
            assertThat(first.process().exitValue()).as("exit status after SIGTERM; log:%n%s", log).isZero();
            assertThat(log).contains("delivered again after their lease").contains("Stopped: the store is closed")
                    .doesNotContainIgnoringCase("already closed");

            slack.setLatencyMillis(0);
            GatewayProcess.Launched second = jar.start(dir, env);
            try {
                jar.awaitHealthy(second);
                HttpApi http = new HttpApi(second.port(), key);
                // At-least-once: the abandoned call may have reached Slack too, so the thread is there at least once.
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                    assertThat(http.get("/api/v1/outbox?status=pending&limit=1").json().path("items")).isEmpty();
                    assertThat(slack.receivedFor("SLOW-1")).contains("declare");
                });
                assertThat(http.get("/api/v1/outbox?status=dead&limit=10").json().path("items")).isEmpty();
            } finally {
                GatewayProcess.stop(second.process());
            }
        }
    }

    @Test
    void sigtermWhenIdleExitsZeroAndLeavesAVerifiableStore(@TempDir Path dir) throws Exception {
        GatewayProcess jar = GatewayProcess.locate();
        Map<String, String> env = Map.of("GATEWAY_HTTP_PORT", Integer.toString(GatewayProcess.freePort()));
        String key = jar.createApiKey(dir, env, "idle", "read,write");
        GatewayProcess.Launched gw = jar.start(dir, env);
        try {
            jar.awaitHealthy(gw);
            assertThat(new HttpApi(gw.port(), key).postJson("/api/v1/incidents",
                    obj("id", "IDLE-1", "title", "Idle", "actor", "a", "severity", "sev3")).status()).isEqualTo(201);
            gw.process().destroy(); // SIGTERM
            assertThat(gw.process().waitFor(60, TimeUnit.SECONDS)).as("the gateway stopped within 60 s").isTrue();
        } finally {
            GatewayProcess.stop(gw.process());
        }
        String log = Files.readString(gw.log());
        assertThat(gw.process().exitValue()).as("exit status after SIGTERM; log:%n%s", log).isZero();
        assertThat(log).doesNotContainIgnoringCase("already closed").contains("Stopped: the store is closed");
        // The store was closed cleanly and the last checkpoint signed the final head.
        GatewayProcess.Command verify = jar.command(dir, "verify");
        assertThat(verify.exitCode()).as(verify.toString()).isZero();
    }

    /** Timelines of every stored incident (event types in order), read through the API. */
    private static Map<String, List<String>> storedTimelines(HttpApi http) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (JsonNode incident : http.get("/api/v1/incidents?limit=1000").json().path("incidents")) {
            String id = incident.path("id").asText();
            List<String> types = new ArrayList<>();
            for (JsonNode e : http.get("/api/v1/incidents/" + id + "/timeline?limit=100").json().path("events")) {
                types.add(e.path("type").asText());
            }
            out.put(id, types);
        }
        assertThat(out).as("stored incidents").isNotEmpty().hasSizeLessThan(1000);
        return out;
    }

    /**
     * {@link #SENDERS} threads declaring incidents and walking each through its lifecycle, until stopped. Keeps what was
     * acknowledged (2xx); a 503 (shutting down) or a refused connection ends that incident; anything else is unexpected.
     */
    private static final class Load {
        private final HttpApi http;
        private final ExecutorService threads = Executors.newFixedThreadPool(SENDERS);
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final AtomicInteger acks = new AtomicInteger();
        final Map<String, List<String>> acknowledgedByIncident = new ConcurrentHashMap<>();
        final ConcurrentLinkedQueue<String> unexpected = new ConcurrentLinkedQueue<>();

        Load(HttpApi http) {
            this.http = http;
        }

        void start() {
            for (int t = 0; t < SENDERS; t++) {
                int sender = t;
                threads.execute(() -> {
                    for (int n = 0; running.get(); n++) {
                        walk("SD" + sender + "-" + n);
                    }
                });
            }
        }

        private void walk(String id) {
            List<String> acked = new ArrayList<>();
            for (String type : LIFECYCLE) {
                if (!running.get()) {
                    break;
                }
                HttpApi.Response r;
                try {
                    r = type.equals("declare")
                            ? http.postJson("/api/v1/incidents", obj("id", id, "title", "Shutdown " + id, "actor", "a", "severity", "sev2"))
                            : http.postJson("/api/v1/incidents/" + id + "/events", obj("type", type, "actor", "a", "content", type + " by a"));
                } catch (RuntimeException e) { // connection refused or reset: the server is gone, outcome unknown
                    break;
                }
                if (r.status() / 100 == 2) {
                    acked.add(type);
                    acks.incrementAndGet();
                } else {
                    if (r.status() != 503) {
                        unexpected.add(id + " " + type + ": " + r);
                    }
                    break;
                }
            }
            if (!acked.isEmpty()) {
                acknowledgedByIncident.put(id, acked);
            }
        }

        int acknowledged() {
            return acks.get();
        }

        void stop() throws InterruptedException {
            running.set(false);
            threads.shutdown();
            threads.awaitTermination(60, TimeUnit.SECONDS);
        }
    }
}
