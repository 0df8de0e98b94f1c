package dev.incidentgateway.security;

import ch.qos.logback.classic.Level;
import dev.incidentgateway.config.GatewayConfig;
import dev.incidentgateway.testsupport.CapturedLogs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The start's WARN under {@code GATEWAY_OIDC_ALLOW_INSECURE_HTTP=true}. Since session 38 the opt-out also lets the
 * console's sign-in endpoints from the discovery document be plain http; the WARN named the signing keys only, and only
 * when a configured URL was plain http, so an operator with an https issuer read no word of the opt-out at all.
 */
class OidcInsecureHttpWarningTest {
    private static List<String> startWarnings(String issuer, String jwks, String consoleClientId, String allowInsecureHttp) {
        Map<String, String> env = new HashMap<>(Map.of("GATEWAY_OIDC_ISSUER", issuer, "GATEWAY_OIDC_AUDIENCE", "incident-gateway",
                "GATEWAY_OIDC_ALLOW_INSECURE_HTTP", allowInsecureHttp, "GATEWAY_OIDC_CONSOLE_CLIENT_ID", consoleClientId));
        if (!jwks.isEmpty()) {
            env.put("GATEWAY_OIDC_JWKS_URL", jwks);
        }
        try (CapturedLogs logs = CapturedLogs.of(OidcTokenVerifier.class.getName())) {
            assertThat(OidcTokenVerifier.fromConfig(GatewayConfig.load(env, Map.of()))).isPresent();
            return logs.lines(e -> e.getLevel().isGreaterOrEqual(Level.WARN));
        }
    }

    @Test
    void theWarningNamesTheIssuerAndItsDocumentTheSigningKeysAndTheConsolesSignInEndpoints() {
        assertThat(startWarnings("http://idp.internal/realms/ops", "", "incident-console", "true")).containsExactly(
                "WARN GATEWAY_OIDC_ALLOW_INSECURE_HTTP=true: plain http is accepted on any host for the identity provider's "
                        + "issuer with its discovery document, its signing keys (the document's jwks_uri) and the console's "
                        + "sign-in endpoints (the document's authorization_endpoint and token_endpoint): anyone on the network "
                        + "path could swap the identity provider's signing keys and forge tokens; anyone on the network path "
                        + "could watch the operator sign in and take the authorization code and the access token it is "
                        + "exchanged for");
    }

    /** Without a console client id the console signs no one in: its endpoints are not named. */
    @Test
    void withoutTheConsolesSignInTheWarningNamesTheKeysAlone() {
        assertThat(startWarnings("http://idp.internal/realms/ops", "http://idp.internal/certs", "", "true")).singleElement()
                .asString().contains("issuer with its discovery document and its signing keys (GATEWAY_OIDC_JWKS_URL): anyone on the "
                        + "network path could swap").doesNotContain("console", "authorization_endpoint");
    }

    /** An https issuer's document may still name plain-http endpoints, which the opt-out then accepts: said at start too. */
    @Test
    void theOptOutIsSaidWithAnHttpsIssuerToo() {
        assertThat(startWarnings("https://idp.example.com/realms/ops", "", "incident-console", "true")).singleElement().asString()
                .startsWith("WARN GATEWAY_OIDC_ALLOW_INSECURE_HTTP=true: plain http is accepted on any host")
                .contains("authorization_endpoint and token_endpoint");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"https://idp.example.com/realms/ops", "http://127.0.0.1:8180/realms/ops"})
    void withoutTheOptOutNothingIsSaid(String issuer) {
        assertThat(startWarnings(issuer, "", "incident-console", "false")).isEmpty();
    }
}
