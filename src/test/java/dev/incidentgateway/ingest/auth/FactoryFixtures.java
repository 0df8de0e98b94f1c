package dev.incidentgateway.ingest.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.time.Clock;
import java.util.Map;

import static dev.incidentgateway.ingest.auth.AuthFixtures.clockAt;

/** The environment and descriptor parsing shared by the {@link WebhookAuthenticators} tests. */
final class FactoryFixtures {
    static final String DEFAULT_TOKEN = "gateway-default-token";
    static final String PD_SECRET = "pd-signing-secret";
    static final String WHSEC = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    static final Map<String, String> ENV = Map.of("PAGERDUTY_WEBHOOK_SECRET", PD_SECRET,
            "SVIX_SECRET", WHSEC, "AM_TOKEN", "alertmanager-token", "BLANK", "  ", "BAD_WHSEC", "whsec_not*base64!");
    static final Clock CLOCK = clockAt(1_614_265_330L);

    private FactoryFixtures() {
    }

    static JsonNode yaml(String text) {
        try {
            return new YAMLMapper().readTree(text);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** Builds the authenticator of {@code connectors/pagerduty.yaml} with the given {@code auth:} block. */
    static WebhookAuthenticator create(String authYaml) {
        return WebhookAuthenticators.create("pagerduty", yaml(authYaml), ENV, TokenCheck.of(DEFAULT_TOKEN), CLOCK);
    }
}
