package dev.incidentgateway.connectors.servicenow;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.incidentgateway.Gateway;
import dev.incidentgateway.security.Scope;
import dev.incidentgateway.testsupport.GatewayProcess;
import dev.incidentgateway.testsupport.HttpApi;
import dev.incidentgateway.testsupport.PostgresTestDatabase;
import dev.incidentgateway.testsupport.TempDirs;
import dev.incidentgateway.testsupport.TestApiKeys;
import dev.incidentgateway.testsupport.TestStore;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two gateway instances on one PostgreSQL: exactly one polls ServiceNow (the other reports standby), and when the
 * polling one dies (a real process, killed: no graceful release of anything) the other takes over and polls.
 * No bound on how fast: a shared machine may be slow; the takeover must happen. Skipped visibly without
 * GATEWAY_TEST_PG_URL; needs the shaded jar (mvn package).
 */
class ServiceNowPollerClusterIT {

    private static String state(HttpApi http) {
        return http.get("/health").json().path("checks").path("poller-servicenow").path("state").asText();
    }

    @Test
    void onePollerPerClusterAndATakeoverWhenItDies() throws Exception {
        PostgresTestDatabase.assumeAvailable();
        GatewayProcess jar = GatewayProcess.locate();
        try (FakeServiceNow fake = new FakeServiceNow(); TestStore store = TestStore.create(TestStore.Kind.POSTGRESQL)) {
            Map<String, String> common = new HashMap<>(fake.env());
            common.put("SERVICENOW_POLL_INTERVAL", "2");
            // Two hosts: each its own keys directory and checkpoint file, the store's chain key shared (TestStore.env).
            Map<String, String> firstHost = new HashMap<>(store.env());
            firstHost.putAll(common);
            firstHost.put("GATEWAY_HTTP_PORT", Integer.toString(GatewayProcess.freePort()));
            Map<String, String> secondHost = new HashMap<>(common);
            Path secondDir = TempDirs.directory("second-host-");
            secondHost.put("GATEWAY_KEYS_DIR", secondDir.resolve("keys").toString());
            secondHost.put("GATEWAY_CHECKPOINT_FILE", secondDir.resolve("checkpoints.jsonl").toString());
            String key = TestApiKeys.create(store.config(common), "cluster-reader", Set.of(Scope.READ));

            Path firstDir = TempDirs.directory("first-host-");
            GatewayProcess.Launched first = jar.start(firstDir, firstHost);
            Gateway second = null;
            try {
                jar.awaitHealthy(first);
                HttpApi a = new HttpApi(first.port(), key);
                await().atMost(Duration.ofSeconds(60)).until(() -> state(a).equals("up"));
                second = Gateway.create(store.config(secondHost)).start();
                HttpApi b = new HttpApi(second.port(), key);
                await().atMost(Duration.ofSeconds(60)).until(() -> state(b).equals("standby"));
                assertThat(state(a)).isEqualTo("up");

                first.process().destroyForcibly(); // SIGKILL: the instance dies, nothing is released on its way out
                assertThat(first.process().waitFor(30, TimeUnit.SECONDS)).as("the first instance is dead").isTrue();

                await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).until(() -> state(b).equals("up"));
                // The survivor really polls: a record opened in ServiceNow now is declared through it.
                ObjectNode fields = JsonNodeFactory.instance.objectNode().put("short_description", "After the takeover")
                        .put("urgency", "2").put("impact", "2").put("state", "1");
                ObjectNode record = fake.createAs("alice", fields);
                String incidentId = "SN-" + record.path("number").asText().replaceAll("\\D", "");
                await().atMost(Duration.ofSeconds(120)).untilAsserted(() ->
                        assertThat(b.get("/api/v1/incidents/" + incidentId).status()).isEqualTo(200));
            } finally {
                GatewayProcess.stop(first.process());
                if (second != null) {
                    second.close();
                }
            }
        }
    }
}
