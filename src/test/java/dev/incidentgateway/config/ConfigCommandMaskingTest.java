package dev.incidentgateway.config;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code java -jar … config} prints every setting with secrets masked wherever they appear. */
class ConfigCommandMaskingTest {
    @Test
    void passwordsInsideUrlsAndSecretValuesAnywhereAreMasked() {
        Map<String, String> env = new HashMap<>();
        env.put("GATEWAY_DB_URL", "jdbc:postgresql://db:5432/gw?user=app&password=query-pw;PASSWORD=semi-pw");
        env.put("GATEWAY_DB_PASSWORD", "db-secret-1");
        env.put("GATEWAY_DB_MIGRATION_PASSWORD", "owner-secret-2");
        env.put("GATEWAY_WEBHOOK_TOKEN", "webhook-secret-3");
        env.put("GATEWAY_PUBLIC_URL", "https://ops:userinfo-pw@gw.example.com/?token=db-secret-1");
        env.put("GATEWAY_ROUTES_DIR", "/srv/owner-secret-2/routes");
        String out = GatewayConfig.load(env, Map.of()).describe();

        assertThat(out).doesNotContain("userinfo-pw", "query-pw", "semi-pw", "db-secret-1", "owner-secret-2", "webhook-secret-3");
        assertThat(out).contains("jdbc:postgresql://db:5432/gw?user=app&password=****;PASSWORD=****").contains("https://ops:****@gw.example.com")
                .contains("GATEWAY_DB_MIGRATION_PASSWORD").contains("/srv/****/routes");
    }

    @Test
    void anInvalidUrlIsReportedWithoutItsPassword() {
        Map<String, String> env = new HashMap<>();
        env.put("GATEWAY_DB_URL", "jdbc:mysql://root:hunter2@db/x?password=hunter3");
        try {
            GatewayConfig.load(env, Map.of());
        } catch (ConfigException e) {
            assertThat(e.getMessage()).contains("GATEWAY_DB_URL").doesNotContain("hunter2").doesNotContain("hunter3");
            return;
        }
        throw new AssertionError("an invalid URL was accepted");
    }
}
