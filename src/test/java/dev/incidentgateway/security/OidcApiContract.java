package dev.incidentgateway.security;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.incidentgateway.testsupport.CapturedLogs;
import dev.incidentgateway.testsupport.GatewayFixture;
import dev.incidentgateway.testsupport.HttpApi;
import dev.incidentgateway.testsupport.TestStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.incidentgateway.testsupport.HttpApi.obj;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * OpenID Connect access tokens against a real gateway: a JWKS and discovery document served by the test
 * ({@link FakeIdentityProvider}), tokens signed by the test. Valid tokens act with their scopes and are
 * recorded as {@code oidc:<sub>}; expired, wrong-audience, wrong-key, future-issued and too long-lived tokens get 401.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class OidcApiContract {
    private static final String AUDIENCE = "incident-gateway";
    private static final AtomicInteger IDS = new AtomicInteger();

    private FakeIdentityProvider idp;
    private RSAKey key;
    private RSAKey impostor;
    private GatewayFixture fixture;
    private HttpApi http;

    abstract TestStore.Kind kind();

    @BeforeAll
    void start() throws Exception {
        if (!GatewayFixture.available(kind())) {
            return;
        }
        key = new RSAKeyGenerator(2048).keyID("k1").generate();
        impostor = new RSAKeyGenerator(2048).keyID("k1").generate(); // same kid, never published
        idp = new FakeIdentityProvider();
        idp.publish(key.toPublicJWK());
        // no JWKS URL: the gateway finds it through the issuer's discovery document
        fixture = GatewayFixture.start(kind(), Map.of("GATEWAY_OIDC_ISSUER", idp.issuer(), "GATEWAY_OIDC_AUDIENCE", AUDIENCE,
                "GATEWAY_OIDC_SCOPE_PREFIX", "gateway:"));
        http = new HttpApi(fixture.gateway().port());
    }

    @BeforeEach
    void requireStore() {
        GatewayFixture.assumeStore(kind());
    }

    @AfterAll
    void stop() {
        if (fixture != null) {
            fixture.close();
        }
        if (idp != null) {
            idp.close();
        }
    }

    @Test
    void aValidTokenActsWithItsScopesAndIsRecordedAsItsSubject() throws Exception {
        String token = token(key, "alice", AUDIENCE, "openid gateway:read gateway:write", 300);
        String id = "OIDC-" + IDS.incrementAndGet();
        HttpApi.Response declared = http.postJson("/api/v1/incidents", obj("id", id, "title", "From SSO", "actor", "Alice"),
                bearer(token));
        assertThat(declared.status()).as(declared.toString()).isEqualTo(201);
        assertThat(declared.json().path("event").path("principal").asText()).isEqualTo("oidc:alice");
        assertThat(declared.json().path("event").path("actor").asText()).isEqualTo("Alice");

        HttpApi.Response read = http.get("/api/v1/incidents/" + id + "/timeline", bearer(token));
        assertThat(read.status()).isEqualTo(200);
        JsonNode event = read.json().path("events").get(0);
        assertThat(event.path("principal").asText()).isEqualTo("oidc:alice");
    }

    @Test
    void aTokenWithoutTheScopeGets403NamingIt() throws Exception {
        String readOnly = token(key, "bob", AUDIENCE, "gateway:read write", 300); // "write" lacks the prefix
        HttpApi.Response r = http.postJson("/api/v1/incidents", obj("title", "nope", "actor", "bob"), bearer(readOnly));
        assertThat(r.status()).as(r.toString()).isEqualTo(403);
        assertThat(r.contentType()).startsWith("application/problem+json");
        assertThat(r.json().path("detail").asText()).contains("write");
        assertThat(http.get("/api/v1/incidents", bearer(readOnly)).status()).isEqualTo(200);
    }

    @Test
    void expiredWrongAudienceAndWrongKeyTokensGet401() throws Exception {
        String expired = token(key, "alice", AUDIENCE, "gateway:admin", -600);
        String otherAudience = token(key, "alice", "someone-else", "gateway:admin", 300);
        String forged = token(impostor, "alice", AUDIENCE, "gateway:admin", 300);
        for (String bad : new String[] {expired, otherAudience, forged}) {
            HttpApi.Response r = http.get("/api/v1/incidents", bearer(bad));
            assertThat(r.status()).as(r.toString()).isEqualTo(401);
            assertThat(r.header("WWW-Authenticate").orElse("")).startsWith("Bearer");
            assertThat(r.body()).doesNotContain(bad);
        }
    }

    @Test
    void aTokenIssuedInTheFutureOrLivingTooLongGets401InvalidTokenAndNoTokenTextIsLogged() throws Exception {
        Instant now = Instant.now();
        String future = token(key, "alice", AUDIENCE, "gateway:admin", now.plusSeconds(600), now.plusSeconds(900));
        String tenYears = token(key, "alice", AUDIENCE, "gateway:admin", now.minusSeconds(5), now.plus(Duration.ofDays(3650)));
        String noIatTenYears = token(key, "alice", AUDIENCE, "gateway:admin", null, now.plus(Duration.ofDays(3650)));
        Map<String, String> reasons = Map.of(future, "issued in the future", tenYears, "lifetime too long",
                noIatTenYears, "lifetime too long");
        try (CapturedLogs logs = CapturedLogs.root()) {
            for (Map.Entry<String, String> bad : reasons.entrySet()) {
                HttpApi.Response r = http.get("/api/v1/incidents", bearer(bad.getKey()));
                assertThat(r.status()).as(r.toString()).isEqualTo(401);
                assertThat(r.contentType()).startsWith("application/problem+json");
                assertThat(r.header("WWW-Authenticate")).hasValue("Bearer error=\"invalid_token\"");
                assertThat(r.json().path("detail").asText()).contains(bad.getValue());
                assertThat(r.body()).doesNotContain(bad.getKey());
            }
            List<String> lines = logs.lines(e -> true);
            for (String token : reasons.keySet()) {
                for (String part : token.split("\\.")) {
                    assertThat(lines).noneMatch(line -> line.contains(part));
                }
            }
        }
    }

    @Test
    void aTokenWhoseKeysCannotBeFetchedGets503NotA401() throws Exception {
        String valid = token(key, "alice", AUDIENCE, "gateway:read", 300);
        assertThat(http.get("/api/v1/incidents", bearer(valid)).status()).as("keys cached").isEqualTo(200);
        RSAKey rotated = new RSAKeyGenerator(2048).keyID("k-new").generate();
        idp.publish(rotated.toPublicJWK()); // rotated in while the JWKS cannot be fetched
        idp.jwksDown(true);
        try {
            String rotatedToken = token(rotated, "alice", AUDIENCE, "gateway:read", 300);
            // three in a row: the later ones meet the refetch rate limit after the failed fetch, still 503, never 401
            for (int i = 0; i < 3; i++) {
                HttpApi.Response r = http.get("/api/v1/incidents", bearer(rotatedToken));
                assertThat(r.status()).as(r.toString()).isEqualTo(503);
                assertThat(r.header("Retry-After")).isPresent();
                assertThat(r.json().path("type").asText()).endsWith("credential-check-unavailable");
            }
            assertThat(http.get("/api/v1/incidents", bearer(valid)).status()).as("the cached keys still verify").isEqualTo(200);
        } finally {
            idp.jwksDown(false);
        }
    }

    private String token(RSAKey signer, String subject, String audience, String scope, long expiresInSeconds) throws Exception {
        Instant now = Instant.now();
        return token(signer, subject, audience, scope, now.minusSeconds(5), now.plusSeconds(expiresInSeconds));
    }

    private String token(RSAKey signer, String subject, String audience, String scope, Instant issued, Instant expires)
            throws Exception {
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(idp.issuer()).subject(subject).audience(audience)
                .issueTime(issued == null ? null : Date.from(issued)).expirationTime(Date.from(expires))
                .claim("scope", scope).build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(signer.getKeyID()).build(), claims);
        jwt.sign(new RSASSASigner(signer));
        return jwt.serialize();
    }

    private static String[] bearer(String token) {
        return new String[] {"Authorization", "Bearer " + token};
    }
}
