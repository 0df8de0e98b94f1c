package dev.incidentgateway.security;

import dev.incidentgateway.connectors.http.HttpReply;
import dev.incidentgateway.connectors.http.VendorHttp;
import dev.incidentgateway.connectors.servicenow.ServiceNowErrors;
import dev.incidentgateway.testsupport.EchoedSecrets;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** A secret echoed by a vendor or a proxy is masked in each form the echo may carry it (security review). */
class SecretFormsTest {
    private static final String PASSWORD = "p@ss+w/rd=?&~ é!";

    @Test
    void everyEncodedFormOfASecretIsMasked() {
        EchoedSecrets.forms(PASSWORD).forEach((name, form) -> {
            assertThat(VendorHttp.scrub("HTTP 400: got " + form + " back", PASSWORD)).as(name).isEqualTo("HTTP 400: got *** back");
            assertThat(Redact.without("value " + form, PASSWORD)).as(name).isEqualTo("value ****");
        });
        assertThat(VendorHttp.scrub("HTTP 400: got " + PASSWORD + " back", PASSWORD)).isEqualTo("HTTP 400: got *** back");
    }

    @Test
    void theBase64OfUserAndPasswordInABasicHeaderIsMaskedInEveryForm() {
        String basic = VendorHttp.basicAuth("bot@example.com", PASSWORD);
        EchoedSecrets.base64("bot@example.com:" + PASSWORD).forEach((name, form) ->
                assertThat(VendorHttp.scrub("echo: Authorization: Basic " + form + ";", basic)).as(name)
                        .isEqualTo("echo: Authorization: Basic ***;"));
        assertThat(VendorHttp.scrub("echo " + basic, basic)).isEqualTo("echo Basic ***");
    }

    @Test
    void textWithoutTheSecretIsLeftAlone() {
        String text = "HTTP 400: p@ss w/rd, Invalid value for field urgency: '9' (+1 / 2 = %40)";
        assertThat(VendorHttp.scrub(text, PASSWORD, VendorHttp.basicAuth("u", PASSWORD), "abc")).isEqualTo(text);
        assertThat(SecretForms.mask(text, " ", "***")).isEqualTo(text);
    }

    /**
     * A vendor answer that echoes the password so that the 300-character cut goes through it: masked first, cut after,
     * so not even the password's first part is left in the reason (cut first, the rest no longer matched the secret).
     */
    @Test
    void aSecretAcrossTheCutIsMaskedWhole() {
        String secret = "s3cr3t-T0ken-0123456789abcdef";
        String prefix = "x".repeat(VendorHttp.MAX_REASON - 10);
        HttpReply reply = new HttpReply(400, java.util.Map.of(), (prefix + " " + secret + " tail").getBytes(StandardCharsets.UTF_8));
        String reason = VendorHttp.scrub(ServiceNowErrors.reason(reply), "Basic abcd", secret);
        assertThat(reason).doesNotContain(secret.substring(0, 4)).startsWith(prefix + " ***");
        assertThat(reason.length()).isLessThanOrEqualTo(VendorHttp.MAX_REASON + 1);
    }
}
