package dev.incidentgateway.ingest.auth;

import dev.incidentgateway.ingest.WebhookRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static dev.incidentgateway.ingest.auth.AuthFixtures.assertUnauthorized;
import static dev.incidentgateway.ingest.auth.AuthFixtures.clockAt;
import static dev.incidentgateway.ingest.auth.AuthFixtures.hmacHex;
import static dev.incidentgateway.ingest.auth.AuthFixtures.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

class HmacHexAuthenticatorTest {
    // GitHub's documented example (docs.github.com, "Validating webhook deliveries").
    private static final String GH_SECRET = "It's a Secret to Everybody";
    private static final String GH_BODY = "Hello, World!";
    private static final String GH_HEX = "757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";
    private static final long NOW = 1_700_000_000L;

    private final HmacHexAuthenticator github = new HmacHexAuthenticator(bytes(GH_SECRET), clockAt(NOW));

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static HmacHexAuthenticator pagerDuty(String secret) {
        return new HmacHexAuthenticator(bytes(secret), "X-PagerDuty-Signature", "v1=", null, Duration.ofMinutes(5), clockAt(NOW));
    }

    private static HmacHexAuthenticator grafana(String secret, long now) {
        return new HmacHexAuthenticator(bytes(secret), "X-Grafana-Alerting-Signature", "",
                "X-Grafana-Alerting-Signature-Timestamp", Duration.ofMinutes(5), clockAt(now));
    }

    @Test
    void acceptsGitHubsDocumentedExample() {
        assertThat(hmacHex(GH_SECRET, GH_BODY)).isEqualTo(GH_HEX);
        assertThatCode(() -> github.authenticate(request(GH_BODY, "X-Hub-Signature-256", "sha256=" + GH_HEX)))
                .doesNotThrowAnyException();
        assertThat(github.mode()).isEqualTo("hmac-sha256-hex");
    }

    @ParameterizedTest
    @ValueSource(strings = {"x-hub-signature-256", "X-HUB-SIGNATURE-256"})
    void headerNameIsCaseInsensitive(String name) {
        assertThatCode(() -> github.authenticate(request(GH_BODY, name, "sha256=" + GH_HEX))).doesNotThrowAnyException();
    }

    @Test
    void hexAndPrefixAreCaseInsensitive() {
        String upper = GH_HEX.toUpperCase(Locale.ROOT);
        assertThatCode(() -> github.authenticate(request(GH_BODY, "X-Hub-Signature-256", "sha256=" + upper)))
                .doesNotThrowAnyException();
        assertThatCode(() -> github.authenticate(request(GH_BODY, "X-Hub-Signature-256", "SHA256=" + GH_HEX)))
                .doesNotThrowAnyException();
    }

    @Test
    void refusesATamperedBodyOrAnotherSecret() {
        assertUnauthorized(() -> github.authenticate(request(GH_BODY + " ", "X-Hub-Signature-256", "sha256=" + GH_HEX)),
                GH_SECRET, GH_HEX);
        String forged = hmacHex("guess", GH_BODY);
        assertUnauthorized(() -> github.authenticate(request(GH_BODY, "X-Hub-Signature-256", "sha256=" + forged)),
                GH_SECRET, GH_HEX, forged);
    }

    @ParameterizedTest
    @ValueSource(strings = {"sha1=", "v1=", "", "sha256:", "sha256= "})
    void refusesTheRightHexBehindAnotherPrefix(String prefix) {
        assertUnauthorized(() -> github.authenticate(request(GH_BODY, "X-Hub-Signature-256", prefix + GH_HEX)),
                GH_SECRET, GH_HEX);
    }

    @Test
    void refusesMissingEmptyOrMalformedSignatures() {
        assertUnauthorized(() -> github.authenticate(request(GH_BODY)), GH_SECRET);
        assertUnauthorized(() -> github.authenticate(request(GH_BODY, "X-Hub-Signature", "sha256=" + GH_HEX)), GH_SECRET);
        for (String bad : new String[] {" ", "sha256=", "sha256=zz" + GH_HEX.substring(2), "sha256=" + GH_HEX.substring(1),
                "sha256=" + GH_HEX + "00", ","}) {
            assertUnauthorized(() -> github.authenticate(request(GH_BODY, "X-Hub-Signature-256", bad)), GH_SECRET, GH_HEX);
        }
    }

    @Test
    void pagerDutyOneValidSignatureAmongSeveralIsEnough() {
        String body = "{\"event\":{\"event_type\":\"incident.triggered\"}}";
        String good = hmacHex("pd-secret", body);
        String stale = hmacHex("pd-old-secret", body);
        var auth = pagerDuty("pd-secret");
        assertThatCode(() -> auth.authenticate(request(body, "x-pagerduty-signature", "v1=" + stale + ",v1=" + good)))
                .doesNotThrowAnyException();
        assertThatCode(() -> auth.authenticate(request(body, "X-PagerDuty-Signature", "v1=" + good + ", v1=" + stale)))
                .doesNotThrowAnyException();
        assertThatCode(() -> auth.authenticate(request(body, "X-PagerDuty-Signature", "v2=" + stale + ",v1=" + good)))
                .doesNotThrowAnyException();
        assertUnauthorized(() -> auth.authenticate(request(body, "X-PagerDuty-Signature", "v1=" + stale + ",v2=" + good)),
                "pd-secret", good, stale);
        assertUnauthorized(() -> auth.authenticate(request(body, "X-PagerDuty-Signature", "v1=" + stale)),
                "pd-secret", good, stale);
    }

    @Test
    void grafanaSignsTheTimestampAndTheBody() {
        String body = "{\"status\":\"firing\"}";
        String ts = Long.toString(NOW - 10);
        String sig = hmacHex("graf-secret", ts + ":" + body);
        WebhookRequest req = request(body, "X-Grafana-Alerting-Signature", sig, "X-Grafana-Alerting-Signature-Timestamp", ts);
        assertThatCode(() -> grafana("graf-secret", NOW).authenticate(req)).doesNotThrowAnyException();
        WebhookRequest lower = request(body, "x-grafana-alerting-signature", sig, "x-grafana-alerting-signature-timestamp", ts);
        assertThatCode(() -> grafana("graf-secret", NOW).authenticate(lower)).doesNotThrowAnyException();
    }

    @Test
    void grafanaRefusesStaleFutureMissingOrUnsignedTimestamps() {
        String body = "{\"status\":\"firing\"}";
        String ts = Long.toString(NOW);
        String sig = hmacHex("graf-secret", ts + ":" + body);
        WebhookRequest req = request(body, "X-Grafana-Alerting-Signature", sig, "X-Grafana-Alerting-Signature-Timestamp", ts);
        assertThatCode(() -> grafana("graf-secret", NOW + 300).authenticate(req)).doesNotThrowAnyException();
        assertUnauthorized(() -> grafana("graf-secret", NOW + 301).authenticate(req), "graf-secret", sig);
        assertUnauthorized(() -> grafana("graf-secret", NOW - 301).authenticate(req), "graf-secret", sig);
        assertUnauthorized(() -> grafana("graf-secret", NOW).authenticate(
                request(body, "X-Grafana-Alerting-Signature", sig)), "graf-secret", sig);
        String moved = Long.toString(NOW + 1);
        assertUnauthorized(() -> grafana("graf-secret", NOW).authenticate(request(body, "X-Grafana-Alerting-Signature", sig,
                "X-Grafana-Alerting-Signature-Timestamp", moved)), "graf-secret", sig);
        String bodyOnly = hmacHex("graf-secret", body);
        assertUnauthorized(() -> grafana("graf-secret", NOW).authenticate(request(body, "X-Grafana-Alerting-Signature",
                bodyOnly, "X-Grafana-Alerting-Signature-Timestamp", ts)), "graf-secret", bodyOnly);
    }

    @Test
    void neverShowsTheKey() {
        assertThat(github.toString()).doesNotContain(GH_SECRET).contains("X-Hub-Signature-256");
    }
}
