package dev.incidentgateway.ingest.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.incidentgateway.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static dev.incidentgateway.ingest.auth.FactoryFixtures.CLOCK;
import static dev.incidentgateway.ingest.auth.FactoryFixtures.DEFAULT_TOKEN;
import static dev.incidentgateway.ingest.auth.FactoryFixtures.ENV;
import static dev.incidentgateway.ingest.auth.FactoryFixtures.create;
import static dev.incidentgateway.ingest.auth.FactoryFixtures.yaml;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every way an {@code auth:} block can be wrong fails the start, naming the key and never a secret. */
class WebhookAuthenticatorsTest {

    private static ConfigException configError(String authYaml) {
        ConfigException[] caught = new ConfigException[1];
        assertThatThrownBy(() -> create(authYaml)).isInstanceOfSatisfying(ConfigException.class, e -> {
            assertThat(e.getMessage()).contains("connectors/pagerduty.yaml");
            for (String secret : ENV.values()) {
                if (!secret.isBlank()) {
                    assertThat(e.getMessage()).doesNotContain(secret);
                }
            }
            assertThat(e.getMessage()).doesNotContain("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").doesNotContain("not*base64");
            caught[0] = e;
        });
        return caught[0];
    }

    @Test
    void aMissingAuthBlockOrModeIsAnErrorNotAnOpenSource() {
        for (JsonNode auth : new JsonNode[] {null, MissingNode.getInstance(), yaml("secretEnv: AM_TOKEN"), yaml("mode: ''"),
                yaml("mode: 3"), yaml("bearer")}) {
            assertThatThrownBy(() -> WebhookAuthenticators.create("pagerduty", auth, ENV, TokenCheck.of(DEFAULT_TOKEN), CLOCK))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("connectors/pagerduty.yaml")
                    .hasMessageContaining("auth")
                    .hasMessageContainingAll("bearer", "standard-webhooks", "hmac-sha256-hex", "none");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"basic", "Bearer", "hmac", "open"})
    void anUnknownModeNamesTheKeyAndTheAllowedValues(String mode) {
        assertThat(configError("mode: " + mode).getMessage())
                .contains("connectors/pagerduty.yaml: auth.mode", mode, "bearer, standard-webhooks, hmac-sha256-hex, none");
    }

    @ParameterizedTest
    @ValueSource(strings = {"bearer", "standard-webhooks", "hmac-sha256-hex"})
    void aNamedButUnsetOrBlankVariableIsNamed(String mode) {
        assertThat(configError("mode: " + mode + "\nsecretEnv: PAGERDUTY_WEBHOOK_SECRET_UNSET").getMessage())
                .contains("connectors/pagerduty.yaml: auth.secretEnv PAGERDUTY_WEBHOOK_SECRET_UNSET is not set");
        assertThat(configError("mode: " + mode + "\nsecretEnv: BLANK").getMessage())
                .contains("connectors/pagerduty.yaml: auth.secretEnv BLANK is not set");
        assertThat(configError("mode: " + mode + "\nsecretEnv: ''").getMessage()).contains("auth.secretEnv");
    }

    @ParameterizedTest
    @ValueSource(strings = {"standard-webhooks", "hmac-sha256-hex"})
    void signingModesRequireSecretEnv(String mode) {
        assertThat(configError("mode: " + mode).getMessage())
                .contains("connectors/pagerduty.yaml: auth.secretEnv is required for auth.mode " + mode);
    }

    @Test
    void aMalformedWhsecSecretNamesTheVariableNotItsValue() {
        assertThat(configError("mode: standard-webhooks\nsecretEnv: BAD_WHSEC").getMessage())
                .contains("auth.secretEnv BAD_WHSEC").contains("whsec_<base64>");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-5", "1.5", "'300'", "86401"})
    void anInvalidToleranceIsNamed(String value) {
        assertThat(configError("mode: standard-webhooks\nsecretEnv: SVIX_SECRET\ntoleranceSeconds: " + value).getMessage())
                .contains("auth.toleranceSeconds");
    }

    @Test
    void keysTheModeDoesNotUseAreRefusedSoTyposCannotWeakenAuth() {
        assertThat(configError("mode: bearer\nsecretenv: AM_TOKEN").getMessage()).contains("auth.secretenv");
        assertThat(configError("mode: none\nsecretEnv: AM_TOKEN").getMessage()).contains("auth.secretEnv", "none");
        assertThat(configError("mode: standard-webhooks\nsecretEnv: SVIX_SECRET\nheader: X-Sig").getMessage()).contains("auth.header");
        assertThat(configError("mode: hmac-sha256-hex\nsecretEnv: PAGERDUTY_WEBHOOK_SECRET\ntoleranceSeconds: 60").getMessage())
                .contains("auth.toleranceSeconds", "auth.timestampHeader");
        assertThat(configError("mode: hmac-sha256-hex\nsecretEnv: PAGERDUTY_WEBHOOK_SECRET\nheader: ''").getMessage())
                .contains("auth.header");
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        ConfigException e = configError("mode: hmac-sha256-hex\nsecretEnv: NOPE\ntimestampHeader: ''\ntoleranceSeconds: 0\nextra: 1");
        assertThat(e.problems()).hasSize(4);
        assertThat(e.getMessage()).contains("auth.secretEnv NOPE is not set", "auth.timestampHeader", "auth.toleranceSeconds", "auth.extra");
    }
}
