package dev.incidentgateway.console;

import com.nimbusds.jose.util.Resource;
import com.nimbusds.jose.util.ResourceRetriever;
import dev.incidentgateway.security.OidcSettings;
import dev.incidentgateway.testsupport.CapturedLogs;
import ch.qos.logback.classic.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the console learns about the sign-in from the issuer's discovery document, and how it copes without it or with
 * endpoints it may not use.
 */
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
        return doc(issuer, authorize, "https://idp.example.com:8443/realms/ops/protocol/openid-connect/token");
    }

    private static String doc(String issuer, String authorize, String token) {
        return "{\"issuer\":\"" + issuer + "\",\"authorization_endpoint\":\"" + authorize + "\","
                + "\"token_endpoint\":\"" + token + "\"}";
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

    /**
     * Security review (session 38): the browser goes to the authorization endpoint with the operator's sign-in and sends
     * the code to the token endpoint; over plain http anyone on the path takes them. The same rule as a
     * discovered jwks_uri (OidcDiscoveryTest): refused like an unreadable document, one WARN naming the member and the
     * opt-out, and nothing for the page or its Content-Security-Policy.
     */
    @ParameterizedTest(name = "{0} / {1}")
    @CsvSource({
            "http://idp.example.com:8080/realms/ops/auth, https://idp.example.com/token, authorization_endpoint",
            "https://idp.example.com/auth,                http://idp.example.com/token,  token_endpoint",
            "https://idp.example.com/auth,                http://10.0.0.7:8080/token,    token_endpoint",
            "http://127.0.0.1.example.com/auth,           https://idp.example.com/token, authorization_endpoint"})
    void aPlainHttpEndpointElsewhereIsRefusedAndNeverHandedToThePage(String authorize, String token, String refused) {
        document.set(doc(ISSUER, authorize, token));
        String url = refused.equals("token_endpoint") ? token : authorize;
        try (CapturedLogs logs = CapturedLogs.of("dev.incidentgateway")) {
            Map<String, Object> d = signIn.describe();
            assertThat(d).doesNotContainKeys("authorizationEndpoint", "tokenEndpoint", "clientId");
            assertThat((String) d.get("problem")).contains("names " + refused + " '" + url + "' is plain http",
                    "authorization code", "GATEWAY_OIDC_ALLOW_INSECURE_HTTP=true");
            assertThat(signIn.endpoints()).isEmpty();
            assertThat(logs.lines(e -> e.getLevel().isGreaterOrEqual(Level.WARN))).singleElement().asString()
                    .contains(refused, url, "GATEWAY_OIDC_ALLOW_INSECURE_HTTP=true");
        }
        document.set(doc(ISSUER, "https://idp.example.com/auth", "https://idp.example.com/token"));
        now = now.plus(ConsoleSignIn.RETRY_AFTER_FAILURE);
        assertThat(signIn.endpoints()).as("a corrected document is picked up at the next attempt").isPresent();
    }

    /**
     * The page asks for features.json on every load, and each load reads the endpoints: a refused endpoint's WARN comes
     * with a read of the document, which a failure holds off for {@link ConsoleSignIn#RETRY_AFTER_FAILURE}, so an
     * endpoint is named at most once per 30 s however many pages load.
     */
    @Test
    void aRefusedPlainHttpEndpointIsWarnedAboutAtMostOncePer30Seconds() {
        document.set(doc(ISSUER, "https://idp.example.com/auth", "http://idp.example.com/token"));
        try (CapturedLogs logs = CapturedLogs.of("dev.incidentgateway")) {
            for (int load = 0; load < 5; load++) {
                assertThat(signIn.describe()).containsKey("problem");
                assertThat(signIn.endpoints()).isEmpty();
            }
            now = now.plus(ConsoleSignIn.RETRY_AFTER_FAILURE).minusSeconds(1);
            signIn.describe();
            assertThat(logs.lines(e -> e.getLevel().isGreaterOrEqual(Level.WARN))).singleElement().asString()
                    .contains("token_endpoint 'http://idp.example.com/token' is plain http");
            now = now.plusSeconds(1);
            signIn.describe();
            signIn.describe();
            assertThat(logs.lines(e -> e.getLevel().isGreaterOrEqual(Level.WARN))).hasSize(2);
        }
        assertThat(fetches).hasValue(2);
    }

    @ParameterizedTest(name = "{0}, opt-out {1}")
    @CsvSource({
            "http://127.0.0.1:8180/realms/ops/token, false",
            "http://localhost:8180/token,            false",
            "http://[::1]:8180/token,                false",
            "http://idp.internal/token,              true"})
    void aLoopbackHostOrTheOptOutAllowPlainHttp(String url, boolean allowInsecureHttp) {
        ConsoleSignIn allowed = new ConsoleSignIn(new OidcSettings(ISSUER, "incident-gateway", null, "", Duration.ofHours(24),
                allowInsecureHttp), "incident-console", "openid", retriever, () -> now);
        document.set(doc(ISSUER, url.replace("/token", "/auth"), url));
        try (CapturedLogs logs = CapturedLogs.of("dev.incidentgateway")) {
            assertThat(allowed.describe()).containsEntry("tokenEndpoint", url)
                    .containsEntry("authorizationEndpoint", url.replace("/token", "/auth")).doesNotContainKey("problem");
            assertThat(allowed.endpoints().orElseThrow().tokenOrigin()).isEqualTo(url.substring(0, url.indexOf('/', 7)));
            assertThat(logs.lines(e -> e.getLevel().isGreaterOrEqual(Level.WARN)))
                    .as("the opt-out is said once per endpoint, loopback needs no word")
                    .hasSize(allowInsecureHttp ? 2 : 0).allMatch(l -> l.contains("accepted because GATEWAY_OIDC_ALLOW_INSECURE_HTTP=true"));
        }
    }
}
