package dev.incidentgateway.security;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

import java.net.URI;
import java.util.Date;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What every OidcTokenVerifier*Test shares: OIDC access tokens signed by keys made once per class, verified against a
 * JWKS and a discovery document served by a fresh {@link FakeIdentityProvider} per test; helpers that make tokens and
 * check a refusal.
 */
abstract class OidcTokenVerifierHarness {
    static final String AUDIENCE = "incident-gateway";
    static RSAKey rsa;
    static RSAKey rsaImpostor;
    static ECKey ec;

    FakeIdentityProvider idp;

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

    OidcTokenVerifier verifier(String scopePrefix) throws Exception {
        return new OidcTokenVerifier(new OidcSettings(idp.issuer(), AUDIENCE, URI.create(idp.jwksUrl()).toURL(), scopePrefix));
    }

    JWTClaimsSet.Builder claims() {
        return new JWTClaimsSet.Builder().issuer(idp.issuer()).audience(AUDIENCE).subject("alice")
                .issueTime(secondsFromNow(-5)).expirationTime(secondsFromNow(300));
    }

    static Date plusSeconds(Date date, long seconds) {
        return new Date(date.getTime() + seconds * 1000);
    }

    static Date secondsFromNow(long seconds) {
        return new Date(System.currentTimeMillis() + seconds * 1000);
    }

    static RSAKey withKid(RSAKey key, String kid) {
        return new RSAKey.Builder(key).keyID(kid).build();
    }

    static String rs256(JWTClaimsSet claims) throws Exception {
        return sign(rsa, JWSAlgorithm.RS256, claims);
    }

    static String es256(JWTClaimsSet claims) throws Exception {
        return sign(ec, JWSAlgorithm.ES256, claims);
    }

    static String sign(com.nimbusds.jose.jwk.JWK key, JWSAlgorithm alg, JWTClaimsSet claims) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(alg).keyID(key.getKeyID()).build(), claims);
        jwt.sign(key instanceof ECKey e ? new ECDSASigner(e) : new RSASSASigner((RSAKey) key));
        return jwt.serialize();
    }

    /** Refused as a bad credential (not as the identity provider's trouble), saying why, never echoing the token. */
    static void rejected(OidcTokenVerifier v, String token, String... reason) {
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
