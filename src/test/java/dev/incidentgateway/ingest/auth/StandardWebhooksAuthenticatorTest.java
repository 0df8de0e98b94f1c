package dev.incidentgateway.ingest.auth;

import dev.incidentgateway.ingest.WebhookRequest;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static dev.incidentgateway.ingest.auth.AuthFixtures.assertUnauthorized;
import static dev.incidentgateway.ingest.auth.AuthFixtures.clockAt;
import static dev.incidentgateway.ingest.auth.AuthFixtures.hmac;
import static dev.incidentgateway.ingest.auth.AuthFixtures.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Uses the test vector of the Standard Webhooks reference libraries. */
class StandardWebhooksAuthenticatorTest {
    private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private static final String KEY_B64 = "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private static final String ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    private static final long TS = 1614265330L;
    private static final String BODY = "{\"test\": 2432232314}";
    private static final String SIG = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
    private static final String SIG_B64 = SIG.substring(3);

    private final StandardWebhooksAuthenticator auth =
            new StandardWebhooksAuthenticator(StandardWebhooksAuthenticator.decodeSecret(SECRET), clockAt(TS));

    private static WebhookRequest signed(String body, String signature) {
        return request(body, "webhook-id", ID, "webhook-timestamp", Long.toString(TS), "webhook-signature", signature);
    }

    @Test
    void acceptsThePublishedTestVector() {
        assertThatCode(() -> auth.authenticate(signed(BODY, SIG))).doesNotThrowAnyException();
        assertThat(auth.mode()).isEqualTo("standard-webhooks");
    }

    @Test
    void acceptsTheSecretAsBareBase64() {
        var bare = new StandardWebhooksAuthenticator(StandardWebhooksAuthenticator.decodeSecret(KEY_B64), clockAt(TS));
        assertThatCode(() -> bare.authenticate(signed(BODY, SIG))).doesNotThrowAnyException();
    }

    @Test
    void headerNamesAreCaseInsensitive() {
        var req = request(BODY, "Webhook-Id", ID, "WEBHOOK-TIMESTAMP", Long.toString(TS), "Webhook-Signature", SIG);
        assertThatCode(() -> auth.authenticate(req)).doesNotThrowAnyException();
    }

    @Test
    void oneValidSignatureAmongSeveralIsEnough() {
        String other = "v1," + Base64.getEncoder().encodeToString(new byte[32]);
        assertThatCode(() -> auth.authenticate(signed(BODY, other + " v1a,c2lnbmF0dXJl " + SIG + " v1,%%notbase64")))
                .doesNotThrowAnyException();
        assertThatCode(() -> auth.authenticate(signed(BODY, "  " + SIG + "   " + other + " "))).doesNotThrowAnyException();
    }

    @ParameterizedTest
    @ValueSource(strings = {"v2,", "v1a,", "V1,", ",", ""})
    void ignoresEntriesWithAnotherVersionPrefix(String version) {
        assertUnauthorized(() -> auth.authenticate(signed(BODY, version + SIG_B64)), SECRET, KEY_B64, SIG_B64);
    }

    @Test
    void refusesATamperedBodyIdOrTimestamp() {
        assertUnauthorized(() -> auth.authenticate(signed("{\"test\": 2432232315}", SIG)), SECRET, KEY_B64, SIG_B64);
        assertUnauthorized(() -> auth.authenticate(request(BODY, "webhook-id", ID + "x",
                "webhook-timestamp", Long.toString(TS), "webhook-signature", SIG)), SECRET, KEY_B64, SIG_B64);
        var shifted = new StandardWebhooksAuthenticator(StandardWebhooksAuthenticator.decodeSecret(SECRET), clockAt(TS + 1));
        assertUnauthorized(() -> shifted.authenticate(request(BODY, "webhook-id", ID,
                "webhook-timestamp", Long.toString(TS + 1), "webhook-signature", SIG)), SECRET, KEY_B64, SIG_B64);
    }

    @Test
    void refusesASignatureMadeWithAnotherSecret() {
        byte[] otherKey = "another-key-entirely".getBytes();
        String forged = "v1," + Base64.getEncoder().encodeToString(hmac(otherKey, ID + "." + TS + "." + BODY));
        assertUnauthorized(() -> auth.authenticate(signed(BODY, forged)), SECRET, KEY_B64, forged.substring(3));
    }

    @ParameterizedTest
    @ValueSource(strings = {"webhook-id", "webhook-timestamp", "webhook-signature"})
    void refusesAMissingHeader(String missing) {
        var headers = new java.util.LinkedHashMap<String, String>();
        headers.put("webhook-id", ID);
        headers.put("webhook-timestamp", Long.toString(TS));
        headers.put("webhook-signature", SIG);
        headers.remove(missing);
        var req = new WebhookRequest("test", headers, BODY.getBytes());
        assertThat(assertUnauthorized(() -> auth.authenticate(req), SECRET, KEY_B64, SIG_B64).getMessage()).contains(missing);
    }

    @Test
    void refusesStaleAndFutureTimestampsBeyondTheTolerance() {
        byte[] key = StandardWebhooksAuthenticator.decodeSecret(SECRET);
        for (long offset : new long[] {-300, 0, 300}) {
            var atEdge = new StandardWebhooksAuthenticator(key, clockAt(TS + offset));
            assertThatCode(() -> atEdge.authenticate(signed(BODY, SIG))).doesNotThrowAnyException();
        }
        for (long offset : new long[] {-301, 301, 86_400}) {
            var outside = new StandardWebhooksAuthenticator(key, clockAt(TS + offset));
            assertThat(assertUnauthorized(() -> outside.authenticate(signed(BODY, SIG)), SECRET, KEY_B64, SIG_B64)
                    .getMessage()).contains("webhook-timestamp");
        }
    }

    @Test
    void toleranceIsConfigurable() {
        byte[] key = StandardWebhooksAuthenticator.decodeSecret(SECRET);
        var strict = new StandardWebhooksAuthenticator(key, Duration.ofSeconds(10), clockAt(TS + 11));
        assertUnauthorized(() -> strict.authenticate(signed(BODY, SIG)));
        var lenient = new StandardWebhooksAuthenticator(key, Duration.ofHours(1), clockAt(TS + 3000));
        assertThatCode(() -> lenient.authenticate(signed(BODY, SIG))).doesNotThrowAnyException();
    }

    @ParameterizedTest
    @ValueSource(strings = {"yesterday", "1614265330.5", "-1614265330", "+1614265330", "99999999999999999999"})
    void refusesATimestampThatIsNotUnixSeconds(String timestamp) {
        var req = request(BODY, "webhook-id", ID, "webhook-timestamp", timestamp, "webhook-signature", SIG);
        assertUnauthorized(() -> auth.authenticate(req), SECRET, KEY_B64, SIG_B64);
    }

    @Test
    void malformedSecretsAreRefusedWithoutQuotingThem() {
        for (String bad : new String[] {"whsec_not*base64!", "whsec_", "", "   ", "%%%%"}) {
            assertThatThrownBy(() -> StandardWebhooksAuthenticator.decodeSecret(bad))
                    .isInstanceOf(IllegalArgumentException.class)
                    .satisfies(e -> {
                        String encoded = bad.replace("whsec_", "").strip();
                        if (!encoded.isEmpty()) {
                            assertThat(e.getMessage()).doesNotContain(encoded);
                        }
                    });
        }
        assertThat(auth.toString()).doesNotContain(KEY_B64);
    }
}
