package dev.incidentgateway.outbox;

import dev.incidentgateway.connectors.jira.FakeJira;
import dev.incidentgateway.connectors.servicenow.FakeServiceNow;
import dev.incidentgateway.connectors.slack.FakeSlack;
import dev.incidentgateway.testsupport.ContractFake;
import dev.incidentgateway.testsupport.GatewayFixture;
import dev.incidentgateway.testsupport.GatewayProcess;
import dev.incidentgateway.testsupport.HttpApi;
import dev.incidentgateway.testsupport.TestStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.incidentgateway.testsupport.HttpApi.obj;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Delivery that survives what production throws at it: the gateway process killed with SIGKILL in the
 * middle of delivering 1,000 events (a real separate JVM), and a target that is down for 30 seconds.
 */
class OutboxResilienceIT {
    private static final List<String> LIFECYCLE = List.of("declare", "ack", "note", "mitigate", "resolve");

    /** What a target received, with a repeat of the same step collapsed (a crash may re-send an update, never a create). */
    static List<String> collapsed(List<String> received) {
        List<String> out = new ArrayList<>();
        for (String r : received) {
            if (out.isEmpty() || !out.get(out.size() - 1).equals(r)) {
                out.add(r);
            }
        }
        return out;
    }

    /** What a failure needs explained: the incident's timeline as stored, and what both processes logged about delivery. */
    private static String diagnosis(HttpApi http, String id, Path... logs) {
        StringBuilder out = new StringBuilder("\ntimeline:");
        http.get("/api/v1/incidents/" + id + "/timeline?limit=100").json().path("events").forEach(e -> out.append("\n  ")
                .append(e.path("type").asText()).append(' ').append(e.path("id").asText()).append(' ')
                .append(e.path("principal").asText()).append(' ').append(e.path("source").asText()).append(' ')
                .append(e.path("time").asText()));
        for (Path log : logs) {
            out.append("\n").append(log.getFileName()).append(':');
            try (java.util.stream.Stream<String> lines = java.nio.file.Files.lines(log)) {
                lines.filter(l -> l.contains("WARN") || l.contains("ERROR") || l.contains(id + "\"") || l.contains("utcome"))
                        .limit(60).forEach(l -> out.append("\n  ").append(l));
            } catch (java.io.IOException | java.io.UncheckedIOException e) {
                out.append(" unreadable: ").append(e);
            }
        }
        return out.toString();
    }

    @Test
    void killedMidDeliveryThenRestartedEveryRowIsDeliveredAndNoTicketIsDuplicated(@TempDir Path dir) throws Exception {
        GatewayProcess jar = GatewayProcess.locate();
        List<ContractFake> fakes = List.of(new FakeServiceNow(), new FakeJira(), new FakeSlack());
        try {
            // Slow enough that 1,000 events per target are still being delivered at the kill.
            Map<String, String> env = ContractFake.envFor(fakes, 20);
            env.put("GATEWAY_OUTBOX_BACKOFF_MS", "50");
            env.put("GATEWAY_OUTBOX_POLL_MS", "50");
            env.put("GATEWAY_OUTBOX_LEASE_MS", "10000"); // rows the killed process had claimed are due again after this
            env.put("GATEWAY_HTTP_PORT", Integer.toString(GatewayProcess.freePort()));
            String key = jar.createApiKey(dir, env, "resilience", "read,write");
            GatewayProcess.Launched first = jar.start(dir, env);
            List<String> ids = new ArrayList<>();
            try {
                jar.awaitHealthy(first);
                HttpApi http = new HttpApi(first.port(), key);
                for (int i = 0; i < 200; i++) {
                    String id = "CR-" + i;
                    ids.add(id);
                    assertThat(http.postJson("/api/v1/incidents", obj("id", id, "title", "Crash " + i, "actor", "a", "severity", "sev1"))
                            .status()).isEqualTo(201);
                    for (String type : LIFECYCLE.subList(1, LIFECYCLE.size())) {
                        assertThat(http.postJson("/api/v1/incidents/" + id + "/events", obj("type", type, "actor", "a", "content", type + " by a")).status())
                                .isEqualTo(201);
                    }
                }
                // Kill it while deliveries are under way, not before they start nor after they end.
                await().atMost(Duration.ofSeconds(60)).until(() -> fakes.get(2).incidents().size() >= 20);
                // Declares lead every incident's queue, so tickets can all exist early: what must still be under way is
                // delivery as such (pending rows), whatever the machine's speed.
                assertThat(http.get("/api/v1/outbox?status=pending&limit=1").json().path("items"))
                        .as("deliveries still under way at the kill").isNotEmpty();
            } finally {
                first.process().destroyForcibly(); // SIGKILL: no shutdown hook, no graceful stop
                first.process().waitFor();
            }

            GatewayProcess.Launched second = jar.start(dir, env);
            try {
                jar.awaitHealthy(second);
                HttpApi http = new HttpApi(second.port(), key);
                await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                    assertThat(http.get("/api/v1/outbox?status=pending&limit=1").json().path("items")).isEmpty();
                    for (ContractFake f : fakes) {
                        assertThat(f.incidents()).as(f.getClass().getSimpleName()).hasSize(200);
                    }
                });
                assertThat(http.get("/api/v1/outbox?status=dead&limit=10").json().path("items")).isEmpty();
                for (ContractFake f : fakes) {
                    for (String id : ids) {
                        assertThat(f.ticketCount(id)).as(f.getClass().getSimpleName() + " tickets of " + id).isEqualTo(1);
                        assertThat(collapsed(f.receivedFor(id)))
                                .as(() -> f.getClass().getSimpleName() + " " + id + diagnosis(http, id, first.log(), second.log()))
                                .containsExactlyElementsOf(f instanceof FakeJira ? List.of("declare", "ack", "note", "resolve") : LIFECYCLE);
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
    void aTargetDownForThirtySecondsQueuesThenDrainsInOrder() throws Exception {
        try (FakeJira jira = new FakeJira()) {
            Map<String, String> env = new HashMap<>(jira.env());
            env.put("GATEWAY_OUTBOX_BACKOFF_MS", "100");
            // Capped, so that the queue moves within ~2 s of the outage's end rather than after the doubled delay it reached.
            env.put("GATEWAY_OUTBOX_MAX_BACKOFF_MS", "2000");
            env.put("GATEWAY_OUTBOX_POLL_MS", "50");
            env.put("GATEWAY_OUTBOX_MAX_ATTEMPTS", "30");
            try (GatewayFixture fixture = GatewayFixture.start(TestStore.Kind.H2, env)) {
                HttpApi http = fixture.http();
                jira.setDown(true);
                long downSince = System.nanoTime();
                List<String> ids = new ArrayList<>();
                for (int i = 0; i < 5; i++) {
                    String id = "DOWN-" + i;
                    ids.add(id);
                    http.postJson("/api/v1/incidents", obj("id", id, "title", "Down " + i, "actor", "a", "severity", "sev1"));
                    for (String type : LIFECYCLE.subList(1, LIFECYCLE.size())) {
                        http.postJson("/api/v1/incidents/" + id + "/events", obj("type", type, "actor", "a", "content", type + " by a"));
                    }
                }
                // Down for (at least) thirty seconds, and during them the gateway kept trying: each incident's first
                // delivery was attempted again and again, and Jira refused every one of those calls.
                await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).until(() ->
                        System.nanoTime() - downSince >= Duration.ofSeconds(30).toNanos() && everyDeclareRetried(http, ids, 3));
                assertThat(jira.requests()).as("the retries reached Jira (and were answered 503)").hasSizeGreaterThanOrEqualTo(ids.size() * 3);
                assertThat(jira.incidents()).isEmpty();
                assertThat(http.get("/api/v1/outbox?connector=jira&status=pending&limit=1000").json().path("items")).hasSize(25);
                assertThat(http.get("/api/v1/outbox?connector=jira&status=dead").json().path("items")).isEmpty();
                jira.setDown(false);
                // Jira's workflow has one "In Progress" for ack and mitigate: the mitigate finds the issue there already.
                List<String> jiraSees = List.of("declare", "ack", "note", "resolve");
                await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                    for (String id : ids) {
                        assertThat(jira.receivedFor(id)).containsExactlyElementsOf(jiraSees);
                    }
                });
                ids.forEach(id -> assertThat(jira.ticketCount(id)).isEqualTo(1));
            }
        }
    }

    /** Whether the pending declare row of each incident has been attempted at least {@code attempts} times. */
    private static boolean everyDeclareRetried(HttpApi http, List<String> ids, int attempts) {
        com.fasterxml.jackson.databind.JsonNode items = http.get("/api/v1/outbox?connector=jira&status=pending&limit=1000").json().path("items");
        for (String id : ids) {
            boolean retried = false;
            for (com.fasterxml.jackson.databind.JsonNode item : items) {
                if (item.path("incidentId").asText().equals(id) && item.path("eventSeq").asLong() == 1
                        && item.path("attempts").asInt() >= attempts) {
                    retried = true;
                }
            }
            if (!retried) {
                return false;
            }
        }
        return true;
    }
}
