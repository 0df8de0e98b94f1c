package dev.incidentgateway.connectors.servicenow;

import dev.incidentgateway.Gateway;
import dev.incidentgateway.testsupport.HttpApi;
import dev.incidentgateway.testsupport.PostgresTestDatabase;
import dev.incidentgateway.testsupport.TestStore;
import dev.incidentgateway.testsupport.TestApiKeys;
import dev.incidentgateway.security.Scope;
import java.util.Set;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two gateway instances on one PostgreSQL: exactly one polls ServiceNow (the other reports standby), and when
 * it goes away the other takes over within two intervals. Skipped visibly without GATEWAY_TEST_PG_URL.
 */
class ServiceNowPollerClusterIT {

    private static String randomKey() {
        byte[] key = new byte[32];
        new java.security.SecureRandom().nextBytes(key);
        return java.util.Base64.getEncoder().encodeToString(key);
    }

    private static String state(HttpApi http) {
        return http.get("/health").json().path("checks").path("poller-servicenow").path("state").asText();
    }

    @Test
    void onePollerPerClusterAndATakeoverWhenItDies() throws Exception {
        PostgresTestDatabase.assumeAvailable();
        try (FakeServiceNow fake = new FakeServiceNow(); TestStore store = TestStore.create(TestStore.Kind.POSTGRESQL)) {
            Map<String, String> env = new HashMap<>(fake.env());
            env.put("SERVICENOW_POLL_INTERVAL", "2");
            // Two hosts: each its own keys directory, one chain key shared through the environment.
            env.put("GATEWAY_CHAIN_KEY", randomKey());
            Map<String, String> secondHost = new HashMap<>(env);
            java.nio.file.Path secondDir = java.nio.file.Files.createTempDirectory("second-host-");
            secondHost.put("GATEWAY_KEYS_DIR", secondDir.resolve("keys").toString());
            secondHost.put("GATEWAY_CHECKPOINT_FILE", secondDir.resolve("checkpoints.jsonl").toString());
            String key = TestApiKeys.create(store.config(env), "cluster-reader", Set.of(Scope.READ));
            Gateway first = Gateway.create(store.config(env)).start();
            Gateway second = null;
            try {
                HttpApi a = new HttpApi(first.port(), key);
                await().atMost(Duration.ofSeconds(20)).until(() -> state(a).equals("up"));
                second = Gateway.create(store.config(secondHost)).start();
                HttpApi b = new HttpApi(second.port(), key);
                await().atMost(Duration.ofSeconds(20)).until(() -> state(b).equals("standby"));
                assertThat(state(a)).isEqualTo("up");

                first.close();
                first = null;
                await().atMost(Duration.ofSeconds(4)).pollInterval(Duration.ofMillis(100)).until(() -> state(b).equals("up"));
            } finally {
                if (first != null) {
                    first.close();
                }
                if (second != null) {
                    second.close();
                }
            }
        }
    }
}
