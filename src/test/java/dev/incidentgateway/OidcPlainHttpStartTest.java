package dev.incidentgateway;

import dev.incidentgateway.config.GatewayConfig;
import dev.incidentgateway.config.IdentityProviderSettings;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

/**
 * Security review: a plain-http issuer or JWKS URL was accepted with a WARN, and whoever is on the path can swap the
 * keys and forge an admin token. The start refuses it, except on loopback or with GATEWAY_OIDC_ALLOW_INSECURE_HTTP=true.
 */
class OidcPlainHttpStartTest {
    private static Map<String, String> oidc(String issuer, String jwks) {
        Map<String, String> env = new HashMap<>(Map.of("GATEWAY_OIDC_ISSUER", issuer, "GATEWAY_OIDC_AUDIENCE", "incident-gateway"));
        if (!jwks.isEmpty()) {
            env.put("GATEWAY_OIDC_JWKS_URL", jwks);
        }
        return env;
    }

    @ParameterizedTest(name = "{0} / {1}: refused naming {2}")
    @CsvSource({
            "http://idp.example.com/realms/ops,  '',                                     GATEWAY_OIDC_ISSUER",
            "https://idp.example.com/realms/ops, http://idp.example.com/certs,           GATEWAY_OIDC_JWKS_URL",
            "http://127.0.0.1.example.com/r,     '',                                     GATEWAY_OIDC_ISSUER",
            "http://10.0.0.7:8080/realms/ops,    '',                                     GATEWAY_OIDC_ISSUER"})
    void aPlainHttpIdentityProviderElsewhereStopsTheStartWithExit2NamingTheSetting(String issuer, String jwks, String named) throws Exception {
        // config first: it runs the start's checks and ends either way, so a start that is not refused fails here, not hangs
        for (String command : new String[] {"config", "run"}) {
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int code = GatewayMain.run(new String[] {command}, () -> GatewayConfig.load(oidc(issuer, jwks), Map.of()),
                    new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
            String message = err.toString(StandardCharsets.UTF_8);
            assertThat(code).as(command + ": " + message).isEqualTo(2);
            assertThat(message).contains(named, "plain http", "GATEWAY_OIDC_ALLOW_INSECURE_HTTP=true").doesNotContain("\tat ");
            assertThat(message.lines().filter(l -> l.contains("plain http")).count()).as(message).isEqualTo(1);
        }
    }

    @ParameterizedTest(name = "{0} / {1}")
    @CsvSource({
            "https://idp.example.com/realms/ops, ''",
            "https://idp.example.com/realms/ops, https://idp.example.com/certs",
            "http://127.0.0.1:8180/realms/ops,   ''",
            "http://localhost:8180/realms/ops,   http://localhost:8180/certs",
            "http://[::1]:8180/realms/ops,       ''"})
    void httpsOrALoopbackHostIsAccepted(String issuer, String jwks) {
        assertThatCode(() -> GatewayConfig.load(oidc(issuer, jwks), Map.of())).doesNotThrowAnyException();
    }

    @Test
    void theOptOutAcceptsPlainHttpElsewhere() {
        Map<String, String> env = oidc("http://idp.internal/realms/ops", "http://idp.internal/certs");
        env.put("GATEWAY_OIDC_ALLOW_INSECURE_HTTP", "true");
        assertThat(GatewayConfig.load(env, Map.of()).get(IdentityProviderSettings.OIDC_ALLOW_INSECURE_HTTP)).isEqualTo("true");
        env.put("GATEWAY_OIDC_ALLOW_INSECURE_HTTP", "yes");
        assertThatCode(() -> GatewayConfig.load(env, Map.of())).hasMessageContaining("GATEWAY_OIDC_ALLOW_INSECURE_HTTP")
                .hasMessageContaining("true or false");
    }
}
