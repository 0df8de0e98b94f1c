package dev.incidentgateway.ingest.auth;

import org.junit.jupiter.api.Test;

import static dev.incidentgateway.ingest.auth.AuthFixtures.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

class OpenAuthenticatorTest {

    @Test
    void acceptsAnythingAndCallsItselfNone() {
        OpenAuthenticator auth = new OpenAuthenticator();
        assertThatCode(() -> auth.authenticate(request(""))).doesNotThrowAnyException();
        assertThatCode(() -> auth.authenticate(request("{}", "Authorization", "Bearer whatever"))).doesNotThrowAnyException();
        assertThat(auth.mode()).isEqualTo("none");
    }
}
