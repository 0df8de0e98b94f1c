package dev.incidentgateway.security;

import ch.qos.logback.classic.Level;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import dev.incidentgateway.config.ConfigException;
import dev.incidentgateway.config.GatewayConfig;
import dev.incidentgateway.config.IdentityProviderSettings;
import dev.incidentgateway.testsupport.CapturedLogs;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Where the keys of OIDC access tokens come from and how they are trusted: signatures and keys (unknown, rotated,
 * made-up kids, mismatched types), the JWKS and discovery document (lazy lookup, another issuer, plain http, the
 * endpoint down), and the OIDC settings.
 */
class OidcTokenVerifierKeysTest extends OidcTokenVerifierHarness {
    // --- signatures and keys ---

    @Test
    void aTokenSignedByAKeyNotInTheJwksIsRefused() throws Exception {
        OidcTokenVerifier v = verifier("");
        rejected(v, sign(rsaImpostor, JWSAlgorithm.RS256, claims().build()), "bad signature");
        rejected(v, sign(withKid(rsaImpostor, "rsa-unknown"), JWSAlgorithm.RS256, claims().build()), "unknown key");
    }

    @Test
    void unsignedAndHmacTokensAreRefusedBeforeAnyKeyIsFetched() throws Exception {
        OidcTokenVerifier v = verifier("");
        rejected(v, new PlainJWT(claims().build()).serialize(), "alg none");
        SignedJWT hs = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID("rsa-1").build(), claims().build());
        hs.sign(new MACSigner(rsa.toRSAPublicKey().getEncoded())); // the classic confusion: the public key as HMAC secret
        rejected(v, hs.serialize(), "algorithm is not accepted");
        rejected(v, "not-a-jwt", "malformed");
        rejected(v, "", "malformed");
        rejected(v, "eyJhbGciOiJSUzI1NiJ9.bm90IGpzb24.c2ln", "malformed");
        assertThat(idp.jwksFetches()).isZero();
    }

    @Test
    void aKeyAddedToTheJwksAfterTheFirstFetchIsPickedUp() throws Exception {
        OidcTokenVerifier v = verifier("");
        assertThat(v.verify(rs256(claims().build())).name()).isEqualTo("oidc:alice");
        assertThat(idp.jwksFetches()).isEqualTo(1);
        assertThat(v.verify(rs256(claims().subject("bob").build())).name()).isEqualTo("oidc:bob");
        assertThat(idp.jwksFetches()).as("known kid: answered from the cache").isEqualTo(1);

        RSAKey rotated = withKid(rsaImpostor, "rsa-2");
        idp.publish(rotated.toPublicJWK());
        assertThat(v.verify(sign(rotated, JWSAlgorithm.RS256, claims().build())).name()).isEqualTo("oidc:alice");
        assertThat(idp.jwksFetches()).isEqualTo(2);
    }

    @Test
    void madeUpKidsDoNotMakeTheGatewayHammerTheJwksEndpoint() throws Exception {
        OidcTokenVerifier v = verifier("");
        rejected(v, sign(withKid(rsaImpostor, "made-up-0"), JWSAlgorithm.RS256, claims().build()), "unknown key");
        for (int i = 1; i < 5; i++) {
            String token = sign(withKid(rsaImpostor, "made-up-" + i), JWSAlgorithm.RS256, claims().build());
            // While the refresh budget is spent a new kid is not looked up: refused as the sender's (401), never a 503.
            rejected(v, token, "unknown key");
        }
        assertThat(idp.jwksFetches()).as("two fetches per rate-limit interval").isEqualTo(2);
        assertThat(v.verify(rs256(claims().build())).name()).as("known keys still verify").isEqualTo("oidc:alice");
    }

    // --- where the keys come from ---

    @Test
    void withoutAJwksUrlTheDiscoveryDocumentNamesIt() throws Exception {
        OidcTokenVerifier v = new OidcTokenVerifier(new OidcSettings(idp.issuer(), AUDIENCE, null, ""));
        assertThat(idp.discoveryFetches()).as("looked up lazily").isZero();
        assertThat(v.verify(es256(claims().claim("scope", "read").build())).scopes()).containsExactly(Scope.READ);
        assertThat(v.verify(rs256(claims().build())).name()).isEqualTo("oidc:alice");
        assertThat(idp.discoveryFetches()).isEqualTo(1);
        assertThat(idp.jwksFetches()).isEqualTo(1);
    }

    @Test
    void aDiscoveryDocumentForAnotherIssuerIsNotTrusted() throws Exception {
        idp.discoveryNamesIssuer("https://evil.example.com");
        OidcTokenVerifier v = new OidcTokenVerifier(new OidcSettings(idp.issuer(), AUDIENCE, null, ""));
        assertThatThrownBy(() -> v.verify(rs256(claims().build()))).isInstanceOf(IdentityProviderUnavailableException.class);
        assertThat(idp.jwksFetches()).isZero();
    }

    @Test
    void aPlainHttpJwksUriFromDiscoveryIsRefusedAsTheConfiguredUrlWouldBe() throws Exception {
        idp.discoveryNamesJwksUri("http://idp.example.com/realms/ops/keys");
        OidcTokenVerifier v = new OidcTokenVerifier(new OidcSettings(idp.issuer(), AUDIENCE, null, ""));
        String token = rs256(claims().build());
        try (CapturedLogs logs = CapturedLogs.of(OidcTokenVerifier.class.getPackageName())) {
            assertThatThrownBy(() -> v.verify(token)).isInstanceOf(IdentityProviderUnavailableException.class);
            assertThat(logs.lines(e -> e.getLevel().isGreaterOrEqual(Level.WARN))).singleElement().asString()
                    .contains("jwks_uri", "'http://idp.example.com/realms/ops/keys' is plain http",
                            "GATEWAY_OIDC_ALLOW_INSECURE_HTTP=true").doesNotContain(token);
        }
        idp.discoveryNamesJwksUri(null); // the provider's document is corrected: picked up at the next fetch
        await().atMost(Duration.ofSeconds(8)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                .untilAsserted(() -> assertThat(v.verify(token).name()).isEqualTo("oidc:alice"));
    }

    @Test
    void aJwksEndpointThatIsDownIsTheIdentityProvidersTroubleNotTheCallers() throws Exception {
        idp.jwksDown(true);
        String token = rs256(claims().build());
        assertThatThrownBy(() -> verifier("").verify(token))
                .isInstanceOf(IdentityProviderUnavailableException.class)
                .isInstanceOf(InvalidCredentialException.class)
                .hasMessageContaining("identity provider's signing keys could not be fetched")
                .message().doesNotContain(token);
    }

    @Test
    void aPublishedKidWithAKeyOfAnotherTypeIsRefusedAsAMismatchNotAsUnknown() throws Exception {
        OidcTokenVerifier v = verifier("");
        rejected(v, sign(withKid(rsa, "ec-1"), JWSAlgorithm.RS256, claims().build()), "does not match the algorithm");
        rejected(v, sign(new ECKey.Builder(ec).keyID("rsa-1").build(), JWSAlgorithm.ES256, claims().build()), "does not match the algorithm");
    }

    @Test
    void aTimeClaimThatIsNotANumberIsRefusedNamingTheClaim() throws Exception {
        OidcTokenVerifier v = verifier("");
        rejected(v, rs256(claims().claim("exp", "1796000000").build()), "malformed token: claim exp must be a number");
        rejected(v, rs256(claims().claim("nbf", "soon").build()), "claim nbf must be a number");
        rejected(v, rs256(claims().claim("iat", true).build()), "claim iat must be a number");
        rejected(v, rs256(claims().claim("iss", 42).build()), "claim iss must be a string");
        assertThat(idp.jwksFetches()).as("refused before any key is looked up").isZero();
    }

    // --- configuration ---

    @Test
    void anIssuerWithoutAnAudienceFailsAtLoadNamingTheKey() {
        assertThatThrownBy(() -> GatewayConfig.load(Map.of("GATEWAY_OIDC_ISSUER", "https://idp.example.com"), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("GATEWAY_OIDC_AUDIENCE");
        assertThatThrownBy(() -> GatewayConfig.load(Map.of("GATEWAY_OIDC_ISSUER", "idp.example.com",
                "GATEWAY_OIDC_AUDIENCE", "x"), Map.of())).isInstanceOf(ConfigException.class).hasMessageContaining("GATEWAY_OIDC_ISSUER");
    }

    @Test
    void fromConfigIsEmptyWithoutAnIssuerAndVerifiesWithOne() throws Exception {
        assertThat(OidcTokenVerifier.fromConfig(GatewayConfig.load(Map.of(), Map.of()))).isEmpty();
        GatewayConfig config = GatewayConfig.load(Map.of("GATEWAY_OIDC_ISSUER", idp.issuer(), "GATEWAY_OIDC_AUDIENCE", AUDIENCE,
                "GATEWAY_OIDC_SCOPE_PREFIX", "gateway:"), Map.of());
        OidcTokenVerifier v = OidcTokenVerifier.fromConfig(config).orElseThrow();
        assertThat(v.verify(rs256(claims().claim("scope", "gateway:write write").build())).scopes()).containsExactly(Scope.WRITE);
        assertThat(idp.discoveryFetches()).isEqualTo(1);
        assertThat(OidcSettings.fromConfig(config.with(Map.of(IdentityProviderSettings.OIDC_JWKS_URL, idp.jwksUrl()))).orElseThrow().jwksUrl())
                .isEqualTo(new URL(idp.jwksUrl()));
    }

    @Test
    void theDiscoveryUrlDropsATrailingSlashOfTheIssuer() {
        assertThat(new OidcSettings("https://idp.example.com/", "a", null, "").discoveryUrl().toString())
                .isEqualTo("https://idp.example.com/.well-known/openid-configuration");
    }
}
