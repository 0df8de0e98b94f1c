package dev.incidentgateway.console;

import com.nimbusds.jose.util.Resource;
import com.nimbusds.jose.util.ResourceRetriever;
import dev.incidentgateway.security.OidcSettings;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/** What the console learns about the sign-in from the issuer's discovery document, and how it copes without it. */
class ConsoleSignInTest {
    private static final String ISSUER = "https://idp.example.com:8443/realms/ops";
    private static final OidcSettings SETTINGS = new OidcSettings(ISSUER, "incident-gateway", null, "");

    private final AtomicReference<String> document = new AtomicReference<>();
    private final AtomicInteger fetches = new AtomicInteger();
    private Instant now = Instant.parse("2026-12-01T00:00:00Z");
    private final ResourceRetriever retriever = url -> {
        fetches.incrementAndGet();
        assertThat(url.toString()).isEqualTo(ISSUER + "/.well-known/openid-configuration");
        if (document.get() == null) {
            throw new IOException("connection refused");
        }
        return new Resource(document.get(), "application/json");
    };
    private final ConsoleSignIn signIn = new ConsoleSignIn(SETTINGS, "incident-console", "openid gateway:read", retriever,
            () -> now);

    private static String doc(String issuer, String authorize) {
        return "{\"issuer\":\"" + issuer + "\",\"authorization_endpoint\":\"" + authorize + "\","
                + "\"token_endpoint\":\"https://idp.example.com:8443/realms/ops/protocol/openid-connect/token\"}";
    }

    @Test
    void describesTheEndpointsClientAndScopesOfTheDiscoveryDocument() {
        document.set(doc(ISSUER, "https://idp.example.com:8443/realms/ops/protocol/openid-connect/auth"));
        Map<String, Object> d = signIn.describe();
        assertThat(d).containsEntry("issuerHost", "idp.example.com:8443").containsEntry("clientId", "incident-console")
                .containsEntry("scopes", "openid gateway:read")
                .containsEntry("authorizationEndpoint", "https://idp.example.com:8443/realms/ops/protocol/openid-connect/auth")
                .containsEntry("tokenEndpoint", "https://idp.example.com:8443/realms/ops/protocol/openid-connect/token")
                .doesNotContainKey("problem");
        assertThat(signIn.endpoints().orElseThrow().tokenOrigin()).isEqualTo("https://idp.example.com:8443");
        assertThat(ConsoleRoute.csp("https://idp.example.com:8443")).contains("connect-src 'self' https://idp.example.com:8443;");
        signIn.describe();
        assertThat(fetches).as("read once, then kept").hasValue(1);
    }

    @Test
    void anUnreachableProviderIsRetriedNoMoreOftenThanEvery30Seconds() {
        assertThat(signIn.describe()).containsKey("problem").doesNotContainKey("tokenEndpoint");
        assertThat((String) signIn.describe().get("problem")).contains("connection refused");
        assertThat(fetches).hasValue(1);
        document.set(doc(ISSUER, "https://idp.example.com:8443/auth"));
        now = now.plus(ConsoleSignIn.RETRY_AFTER_FAILURE).minusSeconds(1);
        assertThat(signIn.endpoints()).isEmpty();
        now = now.plusSeconds(1);
        assertThat(signIn.endpoints()).isPresent();
        assertThat(fetches).hasValue(2);
    }

    @Test
    void refusesADocumentOfAnotherIssuerOrWithANonHttpEndpoint() {
        document.set(doc("https://evil.example.com/", "https://evil.example.com/auth"));
        assertThat((String) signIn.describe().get("problem")).contains("names issuer 'https://evil.example.com/'");
        now = now.plus(ConsoleSignIn.RETRY_AFTER_FAILURE);
        document.set(doc(ISSUER, "javascript:alert(1)"));
        assertThat((String) signIn.describe().get("problem")).contains("no http(s) authorization_endpoint");
        assertThat(signIn.endpoints()).isEmpty();
    }
}
