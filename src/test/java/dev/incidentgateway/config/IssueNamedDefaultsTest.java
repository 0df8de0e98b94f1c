package dev.incidentgateway.config;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The defaults the issues name beside their settings are part of the contract: users' scripts and tests rely on them
 * without setting the variable (a row is dead after 10 failed attempts, the read timeout is 10 s, …). Each value here is
 * quoted from an issue's text, keyed by its environment variable, and checked against what a start with nothing set uses.
 */
class IssueNamedDefaultsTest {

    @Test
    void everyDefaultAnIssueNamesIsTheOneAStartWithNothingSetUses() {
        Map<String, Object> named = new LinkedHashMap<>();
        named.put("GATEWAY_OUTBOX_BACKOFF_MS", 1000);        // issue 5: "first retry delay, default 1000"
        named.put("GATEWAY_OUTBOX_MAX_ATTEMPTS", 10);        // issue 5: "after max attempts (default 10)"
        named.put("GATEWAY_OUTBOX_CONCURRENCY", 8);          // issue 5
        named.put("GATEWAY_OUTBOX_MAX_RETRY_AFTER_S", 300);  // issue 10
        named.put("GATEWAY_OUTBOX_RETENTION_DAYS", 7);       // issue 10
        named.put("GATEWAY_APPEND_TIMEOUT_MS", 10_000);      // issue 10
        named.put("GATEWAY_MAX_INFLIGHT", 256);              // issues 9 and 10
        named.put("GATEWAY_HTTP_READ_TIMEOUT_S", 10);        // issues 9 and 10
        named.put("GATEWAY_HTTP_IDLE_TIMEOUT_S", 30);        // issue 10
        named.put("GATEWAY_SHUTDOWN_TIMEOUT_S", 20);         // issues 9 and 10
        named.put("GATEWAY_WEBHOOK_RATE_PER_S", 0);          // issue 10: "default off"
        named.put("GATEWAY_OIDC_CONSOLE_SCOPES", "openid");  // issue 12

        GatewayConfig config = GatewayConfig.load(Map.of(), Map.of());
        Map<String, Object> used = new LinkedHashMap<>();
        named.keySet().forEach(env -> used.put(env, config.get(GatewayConfig.KEYS.stream()
                .filter(key -> key.env().equals(env)).findFirst().orElseThrow(() -> new AssertionError("no setting " + env)))));
        assertThat(used).isEqualTo(named);
    }
}
