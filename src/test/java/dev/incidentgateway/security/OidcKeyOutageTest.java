package dev.incidentgateway.security;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.incidentgateway.testsupport.CapturedLogs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * A token whose key is not among the cached ones while the JWKS cannot be fetched is the identity provider's
 * trouble (503 + Retry-After), also when the refetch rate limit holds off the next fetch; only after a fetch
 * that worked is an unpublished {@code kid} the token's fault (401). An outage is logged once, not once per token.
 */
class OidcKeyOutageTest {
    private static final String AUDIENCE = "incident-gateway";
    /**
     * The rate limit's interval here, instead of the gateway's 5 s: each test waits for it to pass two to four times.
     * Long enough that the handful of verifications a test makes in a row (milliseconds each, against a local fake)
     * fall within one interval, which the fetch counts below rely on.
     */
    private static final Duration FETCH_INTERVAL = Duration.ofSeconds(2);
    private static RSAKey published;
    private static RSAKey rotated;
    private static RSAKey madeUp;

    private FakeIdentityProvider idp;
    private OidcTokenVerifier verifier;

    @BeforeAll
    static void keys() throws Exception {
        published = new RSAKeyGenerator(2048).keyID("k1").generate();
        rotated = new RSAKeyGenerator(2048).keyID("k-rotated").generate();
        madeUp = new RSAKeyGenerator(2048).keyID("k-made-up").generate();
    }

    @BeforeEach
    void start() throws Exception {
        idp = new FakeIdentityProvider();
        idp.publish(published.toPublicJWK());
        OidcSettings settings = new OidcSettings(idp.issuer(), AUDIENCE, URI.create(idp.jwksUrl()).toURL(), "");
        verifier = new OidcTokenVerifier(settings, OidcKeySource.create(settings, FETCH_INTERVAL));
    }

    @AfterEach
    void stop() {
        idp.close();
    }

    @Test
    void whileTheKeysWereNeverFetchedEveryTokenGets503AlsoWhenTheRateLimitHoldsOffTheFetch() throws Exception {
        idp.jwksDown(true); // the gateway started while the identity provider is down
        String valid = token(published);
        for (int i = 0; i < 4; i++) {
            unavailable(valid); // from the third on, the rate limit refuses to fetch: still not the caller's fault
        }
        unavailable(token(madeUp));
        assertThat(idp.jwksFetches()).as("still at most two fetches per interval").isLessThanOrEqualTo(2);

        idp.jwksDown(false);
        await().atMost(Duration.ofSeconds(8)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                .untilAsserted(() -> assertThat(verifier.verify(valid).name()).isEqualTo("oidc:alice"));
    }

    @Test
    void aKeyRotatedInWhileTheJwksIsDownGets503UntilAFetchWorksThenAnUnpublishedKidIs401() throws Exception {
        assertThat(verifier.verify(token(published)).name()).isEqualTo("oidc:alice");
        idp.jwksDown(true);
        idp.publish(rotated.toPublicJWK());
        String rotatedToken = token(rotated);
        for (int i = 0; i < 4; i++) {
            // the first try fetches and fails (the old keys are kept), the next ones are rate limited after that failure
            unavailable(rotatedToken);
        }
        unavailable(token(madeUp));
        assertThat(idp.jwksFetches()).as("one fetch, at most two more in the outage").isLessThanOrEqualTo(3);
        assertThat(verifier.verify(token(published)).name()).as("cached keys still verify").isEqualTo("oidc:alice");

        idp.jwksDown(false);
        await().atMost(Duration.ofSeconds(8)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                .untilAsserted(() -> assertThat(verifier.verify(rotatedToken).name()).isEqualTo("oidc:alice"));
        // The keys were just fetched, so a kid the provider does not publish is the token's fault.
        assertThatThrownBy(() -> verifier.verify(token(madeUp))).isInstanceOf(InvalidCredentialException.class)
                .isNotInstanceOf(IdentityProviderUnavailableException.class).hasMessageContaining("unknown key");
    }

    @Test
    void anOutageIsLoggedOnceHoweverManyTokensComeAndAgainWhenANewOneBegins() throws Exception {
        try (CapturedLogs logs = CapturedLogs.of(OidcTokenVerifier.class.getPackageName())) {
            assertThat(verifier.verify(token(published)).name()).isEqualTo("oidc:alice");
            idp.jwksDown(true);
            idp.publish(rotated.toPublicJWK());
            String rotatedToken = token(rotated);
            for (int i = 0; i < 20; i++) {
                unavailable(i % 2 == 0 ? rotatedToken : token(madeUp)); // a failed fetch, then rate limited ones
            }
            assertThat(warnings(logs)).as("one WARN for the outage, none per token").hasSize(1);
            assertThat(warnings(logs).get(0)).contains("cannot fetch the identity provider's signing keys");

            idp.jwksDown(false);
            await().atMost(Duration.ofSeconds(8)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                    .untilAsserted(() -> assertThat(verifier.verify(rotatedToken).name()).isEqualTo("oidc:alice"));
            assertThat(warnings(logs)).as("recovery is no warning").hasSize(1);

            idp.jwksDown(true);
            String madeUpToken = token(madeUp);
            // Right after the recovery an unknown kid is the token's fault (401) until the rate limit lets a fetch fail.
            await().atMost(Duration.ofSeconds(8)).pollInterval(Duration.ofMillis(200))
                    .untilAsserted(() -> assertThatThrownBy(() -> verifier.verify(madeUpToken))
                            .isInstanceOf(IdentityProviderUnavailableException.class));
            for (int i = 0; i < 10; i++) {
                unavailable(madeUpToken);
            }
            assertThat(warnings(logs)).as("the new outage is logged once more").hasSize(2);
        }
    }

    private static List<String> warnings(CapturedLogs logs) {
        return logs.events(e -> e.getLevel().isGreaterOrEqual(Level.WARN)).stream().map(ILoggingEvent::getFormattedMessage).toList();
    }

    private void unavailable(String token) {
        assertThatThrownBy(() -> verifier.verify(token)).isInstanceOf(IdentityProviderUnavailableException.class)
                .hasMessageContaining("signing keys could not be fetched");
    }

    private String token(RSAKey key) throws Exception {
        Instant now = Instant.now();
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(idp.issuer()).audience(AUDIENCE).subject("alice")
                .issueTime(Date.from(now.minusSeconds(5))).expirationTime(Date.from(now.plusSeconds(300))).build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), claims);
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }
}
