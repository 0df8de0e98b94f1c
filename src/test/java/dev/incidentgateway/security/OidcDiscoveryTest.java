package dev.incidentgateway.security;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.jwk.source.JWKSetUnavailableException;
import com.nimbusds.jose.util.Resource;
import com.nimbusds.jose.util.ResourceRetriever;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Security review (session 37): the {@code jwks_uri} of the issuer's discovery document follows the rule the configured
 * URLs follow at start (OidcPlainHttpStartTest): plain http only on a loopback host or with
 * {@code GATEWAY_OIDC_ALLOW_INSECURE_HTTP=true}. The document is served from memory, so any host name can be used.
 */
class OidcDiscoveryTest {
    private static final String ISSUER = "https://idp.example.com/realms/ops";
    private static String jwks;

    /** The URLs asked for, in order; the document names {@code jwksUri}, every other URL gets the keys. */
    private final List<String> asked = new ArrayList<>();

    @BeforeAll
    static void keys() throws Exception {
        jwks = new JWKSet(new RSAKeyGenerator(2048).keyID("k1").generate().toPublicJWK()).toString(true);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"http://idp.example.com/realms/ops/certs", "http://10.0.0.7:8080/certs", "http://127.0.0.1.example.com/certs"})
    void aPlainHttpJwksUriElsewhereIsRefusedBeforeAnyKeyIsFetched(String jwksUri) {
        OidcDiscovery discovery = new OidcDiscovery(settings(false), serving(jwksUri));
        assertThatThrownBy(() -> discovery.getJWKSet(null, System.currentTimeMillis(), null))
                .isInstanceOf(JWKSetUnavailableException.class)
                .hasMessageContaining("names jwks_uri '" + jwksUri + "' is plain http")
                .hasMessageContaining("GATEWAY_OIDC_JWKS_URL").hasMessageContaining("GATEWAY_OIDC_ALLOW_INSECURE_HTTP=true");
        assertThat(asked).containsExactly(ISSUER + "/.well-known/openid-configuration");
    }

    @ParameterizedTest(name = "{0}, opt-out {1}")
    @CsvSource({
            "https://keys.example.com/certs,     false",
            "http://127.0.0.1:8180/certs,        false",
            "http://localhost:8180/certs,        false",
            "http://[::1]:8180/certs,            false",
            "http://idp.example.com/certs,       true"})
    void httpsALoopbackHostOrTheOptOutServeTheKeys(String jwksUri, boolean allowInsecureHttp) throws Exception {
        OidcDiscovery discovery = new OidcDiscovery(settings(allowInsecureHttp), serving(jwksUri));
        assertThat(discovery.getJWKSet(null, System.currentTimeMillis(), null).getKeyByKeyId("k1")).isNotNull();
        assertThat(asked).containsExactly(ISSUER + "/.well-known/openid-configuration", jwksUri);
    }

    private static OidcSettings settings(boolean allowInsecureHttp) {
        return new OidcSettings(ISSUER, "incident-gateway", null, "", Duration.ofHours(24), allowInsecureHttp);
    }

    private ResourceRetriever serving(String jwksUri) {
        return (URL url) -> {
            asked.add(url.toString());
            if (url.toString().endsWith("/.well-known/openid-configuration")) {
                return new Resource("{\"issuer\":\"" + ISSUER + "\",\"jwks_uri\":\"" + jwksUri + "\"}", "application/json");
            }
            return new Resource(jwks, "application/json");
        };
    }
}
