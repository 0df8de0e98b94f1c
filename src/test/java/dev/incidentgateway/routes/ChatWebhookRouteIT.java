package dev.incidentgateway.routes;

import com.fasterxml.jackson.databind.JsonNode;
import dev.incidentgateway.testsupport.GatewayFixture;
import dev.incidentgateway.testsupport.GatewayProcess;
import dev.incidentgateway.testsupport.HttpApi;
import dev.incidentgateway.testsupport.TestStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.incidentgateway.testsupport.HttpApi.obj;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The YAML-only chat target {@code routes/outbound/chat-webhook.camel.yaml}, in the shaded jar against a stateful fake
 * incoming webhook: every event once and in per-incident order, a 429's Retry-After honoured, a 500 retried, a 400
 * dead-lettered (holding back the incident) and delivered after a replay; off, and absent, without its URL.
 */
class ChatWebhookRouteIT {
    private static final List<String> LIFECYCLE = List.of("declare", "ack", "note", "resolve");

    @Test
    void everyEventArrivesOnceInOrderWithRetryAfterHonouredAndA400DeadLetteredUntilReplayed(@TempDir Path dir) throws Exception {
        GatewayProcess jar = GatewayProcess.locate();
        try (FakeChatWebhook chat = new FakeChatWebhook()) {
            Map<String, String> env = env(chat, "CHAT_WEBHOOK_EVENTS", String.join(",", LIFECYCLE), "GATEWAY_OUTBOX_BACKOFF_MS", "100");
            String key = jar.createApiKey(dir, env, "chat", "read,write,operate");
            // Rate limited: wait 1 s, ten times the 100 ms backoff that a retry ignoring Retry-After would wait (with 3 s the
            // test waited 2 s more for the same distinction).
            chat.answerNext("CW-2", 429, 1);
            chat.answerNext("CW-3", 500, 0);  // transient: retried with backoff
            chat.refuse("CW-4", 400);         // permanent until fixed: dead letter

            GatewayProcess.Launched gateway = jar.start(dir, env);
            try {
                jar.awaitHealthy(gateway);
                HttpApi http = new HttpApi(gateway.port(), key);
                for (int i = 1; i <= 4; i++) {
                    walk(http, "CW-" + i);
                }

                await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                    for (int i = 1; i <= 3; i++) {
                        assertThat(types(chat.accepted("CW-" + i))).as("CW-" + i).containsExactlyElementsOf(LIFECYCLE);
                    }
                });
                FakeChatWebhook.Refusal limited = chat.refused("CW-2").get(0);
                assertThat(limited.status()).isEqualTo(429);
                assertThat(chat.accepted("CW-2").get(0).at()).as("the retry waited for Retry-After: 1")
                        .isAfterOrEqualTo(limited.at().plusMillis(900));
                assertThat(chat.refused("CW-3")).extracting(FakeChatWebhook.Refusal::status).containsExactly(500);
                FakeChatWebhook.Message declare = chat.accepted("CW-1").get(0);
                assertThat(declare.text()).as("a declare has no content: no dangling line break")
                        .isEqualTo("**[sev2] Chat CW-1** (CW-1)\ndeclare by alice, status: declared");
                assertThat(chat.accepted("CW-2")).as("each message says the status right after its event, though the declare "
                        + "waited for Retry-After until the incident was resolved").extracting(m -> m.text().split("\n")[1])
                        .containsExactly("declare by alice, status: declared", "ack by bob, status: acknowledged",
                                "note by bob, status: acknowledged", "resolve by bob, status: resolved");

                // CW-4's declare is dead and holds back its later events.
                JsonNode dead = await().atMost(Duration.ofSeconds(30)).until(() -> http.get(
                        "/api/v1/outbox?connector=chat-webhook&status=dead").json().path("items"), items -> items.size() == 1).get(0);
                assertThat(dead.path("incidentId").asText()).isEqualTo("CW-4");
                assertThat(dead.path("lastError").asText()).contains("400").contains("invalid_payload").doesNotContain(FakeChatWebhook.SECRET);
                assertThat(chat.accepted("CW-4")).isEmpty();
                assertThat(chat.refused("CW-4")).hasSize(1);

                chat.stopRefusing("CW-4");
                assertThat(http.postJson("/api/v1/outbox/" + dead.path("id").asLong() + "/replay", obj()).status()).isEqualTo(200);
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                        assertThat(types(chat.accepted("CW-4"))).containsExactlyElementsOf(LIFECYCLE));

                assertThat(chat.accepted()).as("each event once").hasSize(4 * LIFECYCLE.size());
                assertThat(chat.problems()).as("requests an incoming webhook would refuse").isEmpty();
            } finally {
                GatewayProcess.stop(gateway.process());
            }
            assertThat(Files.readString(gateway.log())).as("the webhook URL is its secret").doesNotContain(FakeChatWebhook.SECRET);
            assertThat(Files.readString(gateway.log())).as("the start-up line names the YAML-only target (before: Sinks: [])")
                    .contains("Outbound targets delivering: [chat-webhook (YAML route)]");
        }
    }

    @Test
    void aChannelHearsOfAnIncidentFromItsEscalationPastMinSeverityAndOfItsLowering(@TempDir Path dir) throws Exception {
        GatewayProcess jar = GatewayProcess.locate();
        try (FakeChatWebhook chat = new FakeChatWebhook()) {
            Map<String, String> env = env(chat, "CHAT_WEBHOOK_MIN_SEVERITY", "sev2"); // the default events: with state_change
            // A query string, as Google Chat's space webhooks always have: camel-http would send a GET without a body
            // unless the route sets the method.
            env.put("CHAT_WEBHOOK_URL", chat.url() + "?key=K1&token=T1");
            String key = jar.createApiKey(dir, env, "chat", "read,write");
            GatewayProcess.Launched gateway = jar.start(dir, env);
            try {
                jar.awaitHealthy(gateway);
                HttpApi http = new HttpApi(gateway.port(), key);
                String events = "/api/v1/incidents/CW-7/events";
                assertThat(http.postJson("/api/v1/incidents", obj("id", "CW-7", "title", "Checkout slow", "actor", "alice",
                        "severity", "sev3")).status()).isEqualTo(201);
                assertThat(http.postJson(events, obj("type", "state_change", "actor", "carol",
                        "data", obj("severity", "sev1", "reason", "customer impact"))).status()).isEqualTo(201);
                assertThat(http.postJson(events, obj("type", "ack", "actor", "bob")).status()).isEqualTo(201);
                assertThat(http.postJson(events, obj("type", "state_change", "actor", "carol", "data", obj("severity", "sev4")))
                        .status()).isEqualTo(201);
                assertThat(http.postJson(events, obj("type", "resolve", "actor", "bob")).status()).isEqualTo(201);

                await().atMost(Duration.ofSeconds(30)).until(() -> http.get(
                        "/api/v1/outbox?connector=chat-webhook&status=delivered").json().path("items").size() == 3);
                assertThat(chat.accepted("CW-7")).extracting(m -> m.text().split("\n")[1]).as("sev3's declare and sev4's "
                        + "resolve are below the channel's sev2").containsExactly(
                        "Severity changed sev3 → sev1 by carol: customer impact",
                        "ack by bob, status: acknowledged",
                        "Severity changed sev1 → sev4 by carol");
                assertThat(http.get("/api/v1/outbox?connector=chat-webhook").json().path("items")).hasSize(3);
                assertThat(chat.problems()).isEmpty();
            } finally {
                GatewayProcess.stop(gateway.process());
            }
        }
    }

    @Test
    void withoutItsUrlTheRouteDoesNotExistAndTheOutboxWritesNoRowForIt() throws Exception {
        try (GatewayFixture fixture = GatewayFixture.start(TestStore.Kind.H2, Map.of())) {
            assertThat(fixture.gateway().camelContext().getRoute("outbound-chat-webhook")).isNull();
            assertThat(fixture.http().postJson("/api/v1/incidents", obj("id", "CW-9", "title", "t", "actor", "a", "severity", "sev1"))
                    .status()).isEqualTo(201);
            assertThat(fixture.http().get("/api/v1/outbox?connector=chat-webhook").json().path("items")).isEmpty();
        }
    }

    /** The chat target on, deliveries polled for every 50 ms, a free port; plus {@code pairs} (name, value, …). */
    private static Map<String, String> env(FakeChatWebhook chat, String... pairs) throws java.io.IOException {
        Map<String, String> env = new HashMap<>();
        env.put("CHAT_WEBHOOK_URL", chat.url());
        env.put("GATEWAY_OUTBOX_POLL_MS", "50");
        env.put("GATEWAY_HTTP_PORT", Integer.toString(GatewayProcess.freePort()));
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return env;
    }

    private static void walk(HttpApi http, String id) {
        HttpApi.Response declared = http.postJson("/api/v1/incidents", obj("id", id, "title", "Chat " + id, "actor", "alice",
                "severity", "sev2"));
        assertThat(declared.status()).as(declared.toString()).isEqualTo(201);
        for (String type : LIFECYCLE.subList(1, LIFECYCLE.size())) {
            HttpApi.Response r = http.postJson("/api/v1/incidents/" + id + "/events", obj("type", type, "actor", "bob",
                    "content", type + " \"quoted\" \\ of " + id));
            assertThat(r.status() / 100).as(r.toString()).isEqualTo(2);
        }
    }

    /** The event type of each message: the first word of its second line. */
    private static List<String> types(List<FakeChatWebhook.Message> messages) {
        return messages.stream().map(m -> m.text().split("\n")[1].split(" ")[0]).toList();
    }
}
