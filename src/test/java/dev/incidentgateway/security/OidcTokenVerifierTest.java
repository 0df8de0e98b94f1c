package dev.incidentgateway.security;

import ch.qos.logback.classic.Level;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import dev.incidentgateway.config.ConfigException;
import dev.incidentgateway.config.GatewayConfig;
import dev.incidentgateway.testsupport.CapturedLogs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** OIDC access tokens against a JWKS and a discovery document served by a {@link FakeIdentityProvider}. */
class OidcTokenVerifierTest {
    private static final String AUDIENCE = "incident-gateway";
    private static RSAKey rsa;
    private static RSAKey rsaImpostor;
    private static ECKey ec;

    private FakeIdentityProvider idp;

    @BeforeAll
    static void keys() throws Exception {
        rsa = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
        rsaImpostor = new RSAKeyGenerator(2048).keyID("rsa-1").generate(); // same kid, a key the IdP never published
        ec = new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate();
    }

    @BeforeEach
    void startIdentityProvider() {
        idp = new FakeIdentityProvider();
        idp.publish(rsa.toPublicJWK());
        idp.publish(ec.toPublicJWK());
    }

    @AfterEach
    void stop() {
        idp.close();
    }

    // --- accepted tokens and their scopes ---

    @Test
    void anRs256TokenYieldsTheSubjectAndTheScopesOfItsScopeClaim() throws Exception {
        Principal p = verifier("").verify(rs256(claims().claim("scope", "openid email read write").build()));
        assertThat(p.name()).isEqualTo("oidc:alice");
        assertThat(p.scopes()).containsExactlyInAnyOrder(Scope.READ, Scope.WRITE);
    }

    @Test
    void anEs256TokenWithAnScpListOrString() throws Exception {
        OidcTokenVerifier v = verifier("");
        assertThat(v.verify(es256(claims().claim("scp", List.of("read", "metrics")).build())).scopes())
                .containsExactlyInAnyOrder(Scope.READ, Scope.METRICS);
        assertThat(v.verify(es256(claims().claim("scp", "operate admin").build())).scopes())
                .containsExactlyInAnyOrder(Scope.OPERATE, Scope.ADMIN);
    }

    @Test
    void withAPrefixOnlyPrefixedScopesCount() throws Exception {
        Principal p = verifier("gateway:").verify(rs256(claims()
                .claim("scope", "gateway:read read write gateway:bogus gateway:operate other:admin").build()));
        assertThat(p.scopes()).containsExactlyInAnyOrder(Scope.READ, Scope.OPERATE);
    }

    @Test
    void aTokenGrantingNoGatewayScopeAuthenticatesWithNone() throws Exception {
        Principal p = verifier("").verify(rs256(claims().claim("scope", "openid profile").build()));
        assertThat(p.name()).isEqualTo("oidc:alice");
        assertThat(p.scopes()).isEmpty();
        assertThat(p.has(Scope.READ)).isFalse();
    }

    @Test
    void anAudienceListContainingOursAndAnRfc9068TypeAreAccepted() throws Exception {
        JWTClaimsSet c = claims().audience(List.of("account", AUDIENCE)).claim("scope", "read").build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("rsa-1")
                .type(new JOSEObjectType("at+jwt")).build(), c);
        jwt.sign(new RSASSASigner(rsa));
        assertThat(verifier("").verify(jwt.serialize()).scopes()).containsExactly(Scope.READ);
    }

    @Test
    void aScopeClaimOfTheWrongShapeIsMalformed() throws Exception {
        rejected(verifier(""), rs256(claims().claim("scope", 42).build()), "malformed", "scope");
    }

    // --- time ---

    @Test
    void anExpiredTokenIsRefusedButSmallClockSkewIsTolerated() throws Exception {
        OidcTokenVerifier v = verifier("");
        rejected(v, rs256(claims().expirationTime(secondsFromNow(-120)).build()), "expired");
        assertThat(v.verify(rs256(claims().expirationTime(secondsFromNow(-30)).build())).name()).isEqualTo("oidc:alice");
    }

    @Test
    void aTokenBeforeItsNotBeforeTimeIsRefused() throws Exception {
        OidcTokenVerifier v = verifier("");
        rejected(v, rs256(claims().notBeforeTime(secondsFromNow(120)).build()), "not yet valid");
        assertThat(v.verify(rs256(claims().notBeforeTime(secondsFromNow(30)).build())).name()).isEqualTo("oidc:alice");
    }

    @Test
    void aTokenIssuedInTheFutureBeyondTheClockSkewIsRefused() throws Exception {
        OidcTokenVerifier v = verifier("");
        rejected(v, rs256(claims().issueTime(secondsFromNow(120)).build()), "issued in the future", "iat");
        assertThat(v.verify(rs256(claims().issueTime(secondsFromNow(30)).build())).name()).as("within the 60 s skew")
                .isEqualTo("oidc:alice");
    }

    @Test
    void aTokenLivingLongerThanTheMaximumIsRefusedHoweverValidItsSignature() throws Exception {
        OidcTokenVerifier v = verifier(""); // the default maximum: 24 h
        Date issued = secondsFromNow(-5);
        rejected(v, rs256(claims().issueTime(issued).expirationTime(plusSeconds(issued, 10L * 365 * 86_400)).build()),
                "lifetime too long", "86400 s");
        rejected(v, rs256(claims().issueTime(issued).expirationTime(plusSeconds(issued, 86_401)).build()), "lifetime too long");
        assertThat(v.verify(rs256(claims().issueTime(issued).expirationTime(plusSeconds(issued, 86_400)).build())).name())
                .as("exactly the maximum").isEqualTo("oidc:alice");
        // issued 25 h ago, an hour left: still a 26 h token
        rejected(v, rs256(claims().issueTime(secondsFromNow(-25 * 3600)).expirationTime(secondsFromNow(3600)).build()),
                "lifetime too long");
    }

    @Test
    void aTokenWithoutIssueTimeIsAcceptedWhenItExpiresWithinTheMaximumFromNow() throws Exception {
        OidcTokenVerifier v = verifier("");
        assertThat(v.verify(rs256(claims().issueTime(null).expirationTime(secondsFromNow(3600)).build())).name())
                .isEqualTo("oidc:alice");
        assertThat(v.verify(rs256(claims().issueTime(null).expirationTime(secondsFromNow(86_400 + 30)).build())).name())
                .as("within the 60 s skew").isEqualTo("oidc:alice");
        rejected(v, rs256(claims().issueTime(null).expirationTime(secondsFromNow(86_400 + 120)).build()),
                "lifetime too long", "no issue time (iat)");
        rejected(v, rs256(claims().issueTime(null).expirationTime(secondsFromNow(10L * 365 * 86_400)).build()),
                "lifetime too long");
    }

    @Test
    void theMaximumLifetimeIsASetting() throws Exception {
        OidcTokenVerifier v = OidcTokenVerifier.fromConfig(GatewayConfig.load(Map.of("GATEWAY_OIDC_ISSUER", idp.issuer(),
                "GATEWAY_OIDC_AUDIENCE", AUDIENCE, "GATEWAY_OIDC_JWKS_URL", idp.jwksUrl(),
                "GATEWAY_OIDC_MAX_TOKEN_LIFETIME_S", "600"), Map.of())).orElseThrow();
        rejected(v, rs256(claims().expirationTime(secondsFromNow(3600)).build()), "lifetime too long", "600 s");
        assertThat(v.verify(rs256(claims().expirationTime(secondsFromNow(300)).build())).name()).isEqualTo("oidc:alice");
        assertThatThrownBy(() -> GatewayConfig.load(Map.of("GATEWAY_OIDC_MAX_TOKEN_LIFETIME_S", "10"), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("GATEWAY_OIDC_MAX_TOKEN_LIFETIME_S");
    }

    @Test
    void expiryAndSubjectAreRequired() throws Exception {
        OidcTokenVerifier v = verifier("");
        rejected(v, rs256(claims().expirationTime(null).build()), "malformed", "exp");
        rejected(v, rs256(claims().subject(null).build()), "malformed", "sub");
    }

    @Test
    void aSubjectTheStoreCannotRecordAsPrincipalIsACredentialProblem() throws Exception {
        OidcTokenVerifier v = verifier("");
        rejected(v, rs256(claims().subject("s".repeat(5000)).build()), "sub", "315");
        rejected(v, rs256(claims().subject("a\u0000b").build()), "sub");
        String longest = "s".repeat(320 - "oidc:".length());
        assertThat(v.verify(rs256(claims().subject(longest).build())).name()).isEqualTo("oidc:" + longest);
    }

    // --- issuer and audience ---

    @Test
    void aTokenForAnotherAudienceIsRefused() throws Exception {
        OidcTokenVerifier v = verifier("");
        rejected(v, rs256(claims().audience("another-app").build()), "wrong audience");
        rejected(v, rs256(claims().audience((String) null).build()), "wrong audience");
    }

    @Test
    void theIssuerMustMatchExactly() throws Exception {
        OidcTokenVerifier v = verifier("");
        rejected(v, rs256(claims().issuer("https://evil.example.com/realms/ops").build()), "wrong issuer");
        rejected(v, rs256(claims().issuer(idp.issuer() + "/").build()), "wrong issuer");
    }

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
        assertThat(OidcSettings.fromConfig(config.with(Map.of(GatewayConfig.OIDC_JWKS_URL, idp.jwksUrl()))).orElseThrow().jwksUrl())
                .isEqualTo(new URL(idp.jwksUrl()));
    }

    @Test
    void theDiscoveryUrlDropsATrailingSlashOfTheIssuer() {
        assertThat(new OidcSettings("https://idp.example.com/", "a", null, "").discoveryUrl().toString())
                .isEqualTo("https://idp.example.com/.well-known/openid-configuration");
    }

    // --- helpers ---

    private OidcTokenVerifier verifier(String scopePrefix) throws Exception {
        return new OidcTokenVerifier(new OidcSettings(idp.issuer(), AUDIENCE, URI.create(idp.jwksUrl()).toURL(), scopePrefix));
    }

    private JWTClaimsSet.Builder claims() {
        return new JWTClaimsSet.Builder().issuer(idp.issuer()).audience(AUDIENCE).subject("alice")
                .issueTime(secondsFromNow(-5)).expirationTime(secondsFromNow(300));
    }

    private static Date plusSeconds(Date date, long seconds) {
        return new Date(date.getTime() + seconds * 1000);
    }

    private static Date secondsFromNow(long seconds) {
        return new Date(System.currentTimeMillis() + seconds * 1000);
    }

    private static RSAKey withKid(RSAKey key, String kid) {
        return new RSAKey.Builder(key).keyID(kid).build();
    }

    private static String rs256(JWTClaimsSet claims) throws Exception {
        return sign(rsa, JWSAlgorithm.RS256, claims);
    }

    private static String es256(JWTClaimsSet claims) throws Exception {
        return sign(ec, JWSAlgorithm.ES256, claims);
    }

    private static String sign(com.nimbusds.jose.jwk.JWK key, JWSAlgorithm alg, JWTClaimsSet claims) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(alg).keyID(key.getKeyID()).build(), claims);
        jwt.sign(key instanceof ECKey e ? new ECDSASigner(e) : new RSASSASigner((RSAKey) key));
        return jwt.serialize();
    }

    /** Refused as a bad credential (not as the identity provider's trouble), saying why, never echoing the token. */
    private static void rejected(OidcTokenVerifier v, String token, String... reason) {
        Consumer<InvalidCredentialException> check = e -> {
            assertThat(e).isNotInstanceOf(IdentityProviderUnavailableException.class);
            assertThat(e.getMessage()).contains(reason);
            if (!token.isEmpty()) {
                assertThat(e.getMessage()).doesNotContain(token);
            }
            for (String part : token.split("\\.")) {
                if (part.length() > 8) {
                    assertThat(e.getMessage()).doesNotContain(part);
                }
            }
        };
        assertThatThrownBy(() -> v.verify(token)).isInstanceOfSatisfying(InvalidCredentialException.class, check);
    }
}
