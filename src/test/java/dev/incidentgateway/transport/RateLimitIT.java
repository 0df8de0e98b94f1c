package dev.incidentgateway.transport;

import dev.incidentgateway.Gateway;
import dev.incidentgateway.security.Scope;
import dev.incidentgateway.testsupport.HttpApi;
import dev.incidentgateway.testsupport.HttpApi.Response;
import dev.incidentgateway.testsupport.TempDirs;
import dev.incidentgateway.testsupport.TestApiKeys;
import dev.incidentgateway.testsupport.TestStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Rate limits over real HTTP on an in-process gateway (H2): a webhook source declaring {@code rateLimit:} gets 429 +
 * Retry-After past its bucket and stores nothing for the refused requests, while another source goes on; an API
 * principal past {@code GATEWAY_API_RATE_PER_S} gets 429 while another key goes on. Rates of 1 per second with a
 * burst of 2: ten requests sent back to back cannot all pass unless they took eight seconds.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RateLimitIT {
    private static final String TOKEN = "rl-token-" + UUID.randomUUID();
    private static final int TRIES = 10;

    private TestStore store;
    private Gateway gateway;
    private Path connectors;
    private String busyKey;
    private String otherKey;

    @BeforeAll
    void start() throws Exception {
        connectors = TempDirs.directory("gateway-connectors-");
        Files.writeString(connectors.resolve("limited.yaml"), """
                kind: webhook-source
                name: limited
                mapper: cloudevents
                auth:
                  mode: bearer
                rateLimit: {perSecond: 1, burst: 2}
                """);
        store = TestStore.create(TestStore.Kind.H2);
        Map<String, String> env = Map.of("GATEWAY_WEBHOOK_TOKEN", TOKEN, "GATEWAY_CONNECTORS_DIR", connectors.toString(),
                "GATEWAY_API_RATE_PER_S", "1", "GATEWAY_API_RATE_BURST", "2");
        busyKey = TestApiKeys.create(store.config(env), "busy", Set.of(Scope.READ));
        otherKey = TestApiKeys.create(store.config(env), "other", Set.of(Scope.READ));
        gateway = Gateway.create(store.config(env)).start();
    }

    @AfterAll
    void stop() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
        if (store != null) {
            store.close();
        }
        Files.deleteIfExists(connectors.resolve("limited.yaml"));
        Files.deleteIfExists(connectors);
    }

    @Test
    void aSourceOverItsLimitGets429AndStoresNothingWhileAnotherSourceGoesOn() throws Exception {
        HttpApi http = new HttpApi(gateway.port());
        List<String> accepted = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        Response limited = null;
        for (int i = 0; i < TRIES && refused.isEmpty(); i++) {
            String id = "RL-" + System.nanoTime();
            Response r = declare(http, "limited", id);
            if (r.status() == 429) {
                refused.add(id);
                limited = r;
            } else {
                assertThat(r.status()).as(r.toString()).isEqualTo(200);
                accepted.add(id);
            }
        }
        assertThat(refused).as("a 429 within %d requests at 1/s, burst 2", TRIES).hasSize(1);
        assertThat(accepted).as("the burst passes first").hasSizeGreaterThanOrEqualTo(2);
        assertRetryAfter(limited);
        assertThat(limited.json().path("type").asText()).endsWith("rate-limited");
        assertThat(limited.json().path("detail").asText()).contains("limited").contains("nothing was stored");

        Response other = declare(http, "cloudevents", "RLO-" + System.nanoTime());
        assertThat(other.status()).as("another source is not limited: %s", other).isEqualTo(200);

        for (String id : accepted) {
            assertThat(gateway.store().incident(id)).as("accepted %s is stored", id).isPresent();
        }
        assertThat(gateway.store().incident(refused.get(0))).as("the refused request stored nothing").isEmpty();
    }

    @Test
    void aPrincipalOverItsLimitGets429WhileAnotherKeyGoesOn() {
        HttpApi busy = new HttpApi(gateway.port(), busyKey);
        Response limited = null;
        int passed = 0;
        for (int i = 0; i < TRIES && limited == null; i++) {
            Response r = busy.get("/api/v1/incidents?limit=1");
            if (r.status() == 429) {
                limited = r;
            } else {
                assertThat(r.status()).as(r.toString()).isEqualTo(200);
                passed++;
            }
        }
        assertThat(limited).as("a 429 within %d requests at 1/s, burst 2", TRIES).isNotNull();
        assertThat(passed).isGreaterThanOrEqualTo(2);
        assertRetryAfter(limited);
        assertThat(limited.json().path("detail").asText()).contains("key:busy");

        Response other = new HttpApi(gateway.port(), otherKey).get("/api/v1/incidents?limit=1");
        assertThat(other.status()).as("another principal is not limited: %s", other).isEqualTo(200);
        Response health = new HttpApi(gateway.port(), busyKey).get("/health");
        assertThat(health.status()).as("/health is not under the API limit").isEqualTo(200);
    }

    private static Response declare(HttpApi http, String source, String id) {
        String event = """
                {"specversion":"1.0","id":"evt-%s","source":"urn:test","type":"com.example.incident.declare",
                 "subject":"%s","datacontenttype":"application/json","data":{"title":"Rate","severity":"sev3","actor":"t"}}"""
                .formatted(id, id);
        return http.post("/webhooks/" + source, "application/cloudevents+json", event, "Authorization", "Bearer " + TOKEN);
    }

    private static void assertRetryAfter(Response r) {
        assertThat(r.header("Content-Type").orElse("")).startsWith("application/problem+json");
        String retryAfter = r.header("Retry-After").orElseThrow(() -> new AssertionError("no Retry-After: " + r));
        assertThat(retryAfter).matches("\\d+");
        assertThat(Long.parseLong(retryAfter)).isGreaterThanOrEqualTo(1);
    }
}
