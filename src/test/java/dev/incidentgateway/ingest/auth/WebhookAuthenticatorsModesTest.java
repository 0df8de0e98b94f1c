package dev.incidentgateway.ingest.auth;

import org.junit.jupiter.api.Test;

import static dev.incidentgateway.ingest.auth.AuthFixtures.assertUnauthorized;
import static dev.incidentgateway.ingest.auth.AuthFixtures.hmacHex;
import static dev.incidentgateway.ingest.auth.AuthFixtures.request;
import static dev.incidentgateway.ingest.auth.FactoryFixtures.DEFAULT_TOKEN;
import static dev.incidentgateway.ingest.auth.FactoryFixtures.PD_SECRET;
import static dev.incidentgateway.ingest.auth.FactoryFixtures.create;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

/** Valid {@code auth:} blocks build authenticators that verify with the named secret and options. */
class WebhookAuthenticatorsModesTest {

    @Test
    void bearerWithoutSecretEnvUsesTheGatewayToken() {
        WebhookAuthenticator auth = create("mode: bearer");
        assertThat(auth).isInstanceOf(BearerTokenAuthenticator.class);
        assertThat(auth.mode()).isEqualTo("bearer");
        assertThatCode(() -> auth.authenticate(request("{}", "Authorization", "Bearer " + DEFAULT_TOKEN))).doesNotThrowAnyException();
    }

    @Test
    void bearerWithSecretEnvUsesThatVariableOnly() {
        WebhookAuthenticator auth = create("mode: bearer\nsecretEnv: AM_TOKEN");
        assertThatCode(() -> auth.authenticate(request("{}", "Authorization", "Bearer alertmanager-token"))).doesNotThrowAnyException();
        assertUnauthorized(() -> auth.authenticate(request("{}", "Authorization", "Bearer " + DEFAULT_TOKEN)), "alertmanager-token");
    }

    @Test
    void standardWebhooksVerifiesWithTheNamedSecret() {
        WebhookAuthenticator auth = create("mode: standard-webhooks\nsecretEnv: SVIX_SECRET\ntoleranceSeconds: 60");
        assertThat(auth.mode()).isEqualTo("standard-webhooks");
        assertThatCode(() -> auth.authenticate(request("{\"test\": 2432232314}", "webhook-id", "msg_p5jXN8AQM9LWM0D4loKWxJek",
                "webhook-timestamp", "1614265330", "webhook-signature", "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")))
                .doesNotThrowAnyException();
        assertUnauthorized(() -> auth.authenticate(request("{\"test\": 2432232314}", "webhook-id", "msg_p5jXN8AQM9LWM0D4loKWxJek",
                "webhook-timestamp", "1614265269", "webhook-signature", "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")));
    }

    @Test
    void hmacHexDefaultsToGitHubsHeaderAndPrefix() {
        WebhookAuthenticator auth = create("mode: hmac-sha256-hex\nsecretEnv: PAGERDUTY_WEBHOOK_SECRET");
        String sig = hmacHex(PD_SECRET, "{}");
        assertThatCode(() -> auth.authenticate(request("{}", "X-Hub-Signature-256", "sha256=" + sig))).doesNotThrowAnyException();
    }

    @Test
    void hmacHexHonoursHeaderAndPrefix() {
        WebhookAuthenticator auth = create("""
                mode: hmac-sha256-hex
                secretEnv: PAGERDUTY_WEBHOOK_SECRET
                header: X-PagerDuty-Signature
                prefix: "v1="
                """);
        String sig = hmacHex(PD_SECRET, "{}");
        assertThatCode(() -> auth.authenticate(request("{}", "X-PagerDuty-Signature", "v1=00,v1=" + sig))).doesNotThrowAnyException();
        assertUnauthorized(() -> auth.authenticate(request("{}", "X-Hub-Signature-256", "sha256=" + sig)), PD_SECRET, sig);
    }

    @Test
    void hmacHexWithATimestampHeaderSignsAndBoundsTheTimestamp() {
        WebhookAuthenticator auth = create("""
                mode: hmac-sha256-hex
                secretEnv: PAGERDUTY_WEBHOOK_SECRET
                header: X-Grafana-Alerting-Signature
                prefix: ""
                timestampHeader: X-Grafana-Alerting-Signature-Timestamp
                toleranceSeconds: 30
                """);
        String fresh = "1614265300";
        String stale = "1614265299";
        assertThatCode(() -> auth.authenticate(request("{}", "X-Grafana-Alerting-Signature", hmacHex(PD_SECRET, fresh + ":{}"),
                "X-Grafana-Alerting-Signature-Timestamp", fresh))).doesNotThrowAnyException();
        assertUnauthorized(() -> auth.authenticate(request("{}", "X-Grafana-Alerting-Signature", hmacHex(PD_SECRET, stale + ":{}"),
                "X-Grafana-Alerting-Signature-Timestamp", stale)), PD_SECRET);
    }

    @Test
    void noneIsExplicitAndOpen() {
        WebhookAuthenticator auth = create("mode: none");
        assertThat(auth).isInstanceOf(OpenAuthenticator.class);
        assertThatCode(() -> auth.authenticate(request("{}"))).doesNotThrowAnyException();
    }
}
