package dev.incidentgateway.console;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.incidentgateway.security.FakeIdentityProvider;
import dev.incidentgateway.testsupport.GatewayFixture;
import dev.incidentgateway.testsupport.HeadlessChromium;
import dev.incidentgateway.testsupport.HttpApi;
import dev.incidentgateway.testsupport.TestStore;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.logging.Level;

import static dev.incidentgateway.testsupport.HttpApi.obj;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Where the gateway accepts OpenID Connect access tokens, the console's sign-in form names the issuer and takes a
 * pasted access token like a key: the incident list loads with it, and the stream opens with it.
 */
class ConsoleOidcSignInIT {
    private static final String AUDIENCE = "incident-gateway";

    @Test
    void theSignInFormNamesTheIssuerAndAcceptsAPastedAccessToken() throws Exception {
        HeadlessChromium.assumeAvailable();
        RSAKey key = new RSAKeyGenerator(2048).keyID("console-k1").generate();
        try (FakeIdentityProvider idp = new FakeIdentityProvider()) {
            idp.publish(key.toPublicJWK());
            try (GatewayFixture fixture = GatewayFixture.start(TestStore.Kind.H2, Map.of("GATEWAY_OIDC_ISSUER", idp.issuer(),
                    "GATEWAY_OIDC_AUDIENCE", AUDIENCE, "GATEWAY_OIDC_SCOPE_PREFIX", "gateway:"));
                 HeadlessChromium browser = HeadlessChromium.start(1280, 860)) {
                assertThat(new HttpApi(fixture.gateway().port()).get("/console/features.json").json().path("oidcIssuer").asText())
                        .isEqualTo(idp.issuer());
                assertThat(fixture.http().postJson("/api/v1/incidents", obj("id", "OIDC-1", "title", "Token sign-in", "actor", "api",
                        "severity", "sev3")).status()).isEqualTo(201);

                WebDriver page = browser.driver();
                page.get("http://127.0.0.1:" + fixture.gateway().port() + "/");
                WebDriverWait wait = new WebDriverWait(page, Duration.ofSeconds(20));
                wait.until(ExpectedConditions.textToBe(By.cssSelector("label[for='api-key']"), "API key or access token"));
                assertThat(page.findElement(By.id("key-help")).getText()).contains(idp.issuer());
                browser.screenshot("h2-sign-in-oidc");

                page.findElement(By.id("api-key")).sendKeys(token(key, idp.issuer()));
                page.findElement(By.cssSelector("#key-form button[type='submit']")).click();
                wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("tr[data-incident='OIDC-1']")));
                wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("live-status"), "Live (stream)"));
                assertThat(page.findElement(By.id("problem")).isDisplayed()).isFalse();
                assertThat(browser.consoleLog()).noneMatch(e -> e.getLevel().intValue() >= Level.WARNING.intValue());
            }
        }
    }

    private static String token(RSAKey signer, String issuer) throws Exception {
        Instant now = Instant.now();
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(issuer).subject("pat").audience(AUDIENCE)
                .issueTime(Date.from(now.minusSeconds(5))).expirationTime(Date.from(now.plusSeconds(600)))
                .claim("scope", "openid gateway:read").build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(signer.getKeyID()).build(), claims);
        jwt.sign(new RSASSASigner(signer));
        return jwt.serialize();
    }
}
