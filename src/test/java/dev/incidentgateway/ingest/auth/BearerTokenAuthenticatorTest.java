package dev.incidentgateway.ingest.auth;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static dev.incidentgateway.ingest.auth.AuthFixtures.assertUnauthorized;
import static dev.incidentgateway.ingest.auth.AuthFixtures.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BearerTokenAuthenticatorTest {
    private static final String TOKEN = "s3cr3t-t0ken-value";
    private final BearerTokenAuthenticator auth = new BearerTokenAuthenticator(TOKEN);

    @Test
    void acceptsTheConfiguredToken() {
        assertThatCode(() -> auth.authenticate(request("{}", "Authorization", "Bearer " + TOKEN))).doesNotThrowAnyException();
        assertThat(auth.mode()).isEqualTo("bearer");
    }

    @ParameterizedTest
    @ValueSource(strings = {"bearer", "BEARER", "BeArEr"})
    void schemeIsCaseInsensitive(String scheme) {
        assertThatCode(() -> auth.authenticate(request("{}", "Authorization", scheme + " " + TOKEN))).doesNotThrowAnyException();
    }

    @ParameterizedTest
    @ValueSource(strings = {"authorization", "AUTHORIZATION", "aUtHoRiZaTiOn"})
    void headerNameIsCaseInsensitive(String name) {
        assertThatCode(() -> auth.authenticate(request("{}", name, "Bearer " + TOKEN))).doesNotThrowAnyException();
    }

    @Test
    void toleratesSurroundingWhitespace() {
        assertThatCode(() -> auth.authenticate(request("{}", "Authorization", "  Bearer   " + TOKEN + " ")))
                .doesNotThrowAnyException();
    }

    @Test
    void refusesAWrongTokenWithoutEchoingEitherToken() {
        String received = "guessed-token-123";
        assertUnauthorized(() -> auth.authenticate(request("{}", "Authorization", "Bearer " + received)), TOKEN, received);
    }

    @Test
    void refusesATokenThatIsOnlyAPrefixOrExtension() {
        assertUnauthorized(() -> auth.authenticate(request("{}", "Authorization", "Bearer " + TOKEN.substring(0, 5))), TOKEN);
        assertUnauthorized(() -> auth.authenticate(request("{}", "Authorization", "Bearer " + TOKEN + "x")), TOKEN);
    }

    @Test
    void refusesAMissingOrEmptyHeader() {
        assertUnauthorized(() -> auth.authenticate(request("{}")), TOKEN);
        assertUnauthorized(() -> auth.authenticate(request("{}", "Authorization", "  ")), TOKEN);
        assertUnauthorized(() -> auth.authenticate(request("{}", "Authorization", "Bearer")), TOKEN);
    }

    @Test
    void refusesOtherSchemesEvenWithTheRightToken() {
        assertUnauthorized(() -> auth.authenticate(request("{}", "Authorization", "Basic " + TOKEN)), TOKEN);
        assertUnauthorized(() -> auth.authenticate(request("{}", "Authorization", TOKEN)), TOKEN);
        assertUnauthorized(() -> auth.authenticate(request("{}", "Authorization", "Bearer" + TOKEN)), TOKEN);
    }

    @Test
    void eachRefusalNamesTheBearerSchemeAsEvery401Must() {
        assertThat(assertUnauthorized(() -> auth.authenticate(request("{}")), TOKEN).headers())
                .containsEntry("WWW-Authenticate", "Bearer");
        assertThat(assertUnauthorized(() -> auth.authenticate(request("{}", "Authorization", "Basic " + TOKEN)), TOKEN).headers())
                .containsEntry("WWW-Authenticate", "Bearer");
        assertThat(assertUnauthorized(() -> auth.authenticate(request("{}", "Authorization", "Bearer wrong")), TOKEN).headers())
                .containsEntry("WWW-Authenticate", "Bearer error=\"invalid_token\"");
    }

    @Test
    void refusesTheTokenInAnotherHeader() {
        assertUnauthorized(() -> auth.authenticate(request("{}", "X-Token", "Bearer " + TOKEN)), TOKEN);
    }

    @Test
    void neverShowsTheTokenAndRefusesABlankOne() {
        assertThat(auth.toString()).doesNotContain(TOKEN);
        assertThatThrownBy(() -> new BearerTokenAuthenticator(" ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new BearerTokenAuthenticator((String) null)).isInstanceOf(IllegalArgumentException.class);
    }
}
