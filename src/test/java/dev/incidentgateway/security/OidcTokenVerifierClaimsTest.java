package dev.incidentgateway.security;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.incidentgateway.config.ConfigException;
import dev.incidentgateway.config.GatewayConfig;
import org.junit.jupiter.api.Test;

import java.util.Date;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The claims of OIDC access tokens: which tokens are accepted and with which scopes, time (expiry, not-before, issue
 * time, maximum lifetime), required claims, issuer and audience.
 */
class OidcTokenVerifierClaimsTest extends OidcTokenVerifierHarness {
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
}
