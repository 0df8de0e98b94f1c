package dev.incidentgateway.console;

import dev.incidentgateway.testsupport.FakeOidcProvider;
import dev.incidentgateway.testsupport.GatewayFixture;
import dev.incidentgateway.testsupport.HeadlessChromium;
import dev.incidentgateway.testsupport.HttpApi;
import dev.incidentgateway.testsupport.TestStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.logging.Level;

import static dev.incidentgateway.testsupport.HttpApi.obj;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The console's sign-in where the gateway accepts OpenID Connect access tokens, in headless Chromium against a
 * stateful fake identity provider ({@link FakeOidcProvider}): "Sign in with <host>" runs the authorization code flow
 * with PKCE and loads the incidents with the access token, kept in sessionStorage only; a forged state, a refusal by
 * the provider and an expired token each end on the sign-in screen with nothing stored. A pasted access token still
 * works (tokens a command-line tool obtained). One gateway and one browser serve all the tests.
 */
class ConsoleOidcSignInIT {
    private static final String AUDIENCE = "incident-gateway";
    private static final String CLIENT_ID = "incident-console";
    private static final String KEY = "incidentGateway.apiKey";

    private static FakeOidcProvider idp;
    private static GatewayFixture fixture;
    private static HeadlessChromium browser;
    private static String console;
    private static String idpHost;

    @BeforeAll
    static void start() throws Exception {
        HeadlessChromium.assumeAvailable();
        idp = new FakeOidcProvider(AUDIENCE);
        fixture = GatewayFixture.start(TestStore.Kind.H2, Map.of("GATEWAY_OIDC_ISSUER", idp.issuer(),
                "GATEWAY_OIDC_AUDIENCE", AUDIENCE, "GATEWAY_OIDC_SCOPE_PREFIX", "gateway:",
                "GATEWAY_OIDC_CONSOLE_CLIENT_ID", CLIENT_ID, "GATEWAY_OIDC_CONSOLE_SCOPES", "openid gateway:read gateway:write"));
        console = "http://127.0.0.1:" + fixture.gateway().port() + "/";
        idp.registerClient(CLIENT_ID, console);
        idpHost = URI.create(idp.issuer()).getAuthority();
        assertThat(fixture.http().postJson("/api/v1/incidents", obj("id", "OIDC-1", "title", "Token sign-in", "actor", "api",
                "severity", "sev3")).status()).isEqualTo(201);
        browser = HeadlessChromium.start(1280, 860);
    }

    @AfterAll
    static void stop() throws Exception {
        if (browser != null) {
            browser.close();
        }
        if (fixture != null) {
            fixture.close();
        }
        if (idp != null) {
            idp.close();
        }
    }

    @BeforeEach
    void signedOut() {
        WebDriver page = browser.driver();
        page.get(console);
        js("sessionStorage.clear(); localStorage.clear();");
        page.get(console);
        browser.consoleLog(); // only this test's entries count
    }

    @Test
    void signingInAtTheIdentityProviderLoadsTheIncidentsWithAnAccessTokenKeptInSessionStorageOnly() throws Exception {
        HttpApi.Response features = new HttpApi(fixture.gateway().port()).get("/console/features.json");
        assertThat(features.json().path("oidcSignIn").path("tokenEndpoint").asText()).isEqualTo(idp.tokenEndpoint());
        assertThat(features.json().path("oidcSignIn").path("clientId").asText()).isEqualTo(CLIENT_ID);
        assertThat(new HttpApi(fixture.gateway().port()).get("/").header("Content-Security-Policy").orElseThrow())
                .contains("connect-src 'self' http://" + idpHost + ";");
        WebDriver page = browser.driver();
        WebDriverWait wait = ConsoleBrowserSupport.waiting(page, Duration.ofSeconds(20));
        wait.until(ExpectedConditions.textToBe(By.id("idp-sign-in"), "Sign in with " + idpHost));
        browser.screenshot("h2-oidc-sign-in-button");

        page.findElement(By.id("actor")).sendKeys("Ada");
        int issued = idp.tokensIssued();
        page.findElement(By.id("idp-sign-in")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("tr[data-incident='OIDC-1']")));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("live-status"), "Live (stream)"));
        browser.screenshot("h2-oidc-signed-in");

        assertThat(idp.tokensIssued()).isEqualTo(issued + 1);
        String code = idp.lastCode();
        assertThat(idp.redemptions(code)).as("the console exchanges a code once").isEqualTo(1);
        String token = (String) js("return sessionStorage.getItem('" + KEY + "')");
        assertThat(token).isNotBlank().contains(".");
        assertThat(page.getCurrentUrl()).isEqualTo(console).doesNotContain("code=").doesNotContain("state=");
        assertThat((String) js("return JSON.stringify(localStorage)")).isEqualTo("{}");
        assertThat(js("return sessionStorage.getItem('incidentGateway.oidc.pending')")).isNull();
        // ... then the principal and scopes the gateway took the token for (GET /api/v1/whoami)
        ConsoleBrowserSupport.waiting(page, Duration.ofSeconds(20)).until(ExpectedConditions.textToBePresentInElementLocated(By.id("session-who"), " · oidc:"));
        assertThat(page.findElement(By.id("session-who")).getText()).startsWith("Acting as Ada (signed in at " + idpHost + ") · oidc:");
        assertThat(page.findElement(By.id("forget-key")).getText()).isEqualTo("Sign out");
        assertThat(page.findElement(By.id("problem")).isDisplayed()).isFalse();
        assertThat(browser.consoleLog()).noneMatch(e -> e.getLevel().intValue() >= Level.WARNING.intValue());
        // The gateway verifies the token like any other: the scopes asked for at sign-in are granted.
        assertThat(new HttpApi(fixture.gateway().port(), token).get("/api/v1/incidents/OIDC-1").status()).isEqualTo(200);

        // The used code is refused when presented again (the fake is stateful; the console did not retry it).
        HttpResponse<String> replay = tokenRequest(Map.of("grant_type", "authorization_code", "code", code,
                "redirect_uri", console, "client_id", CLIENT_ID, "code_verifier", "x".repeat(43)), null);
        assertThat(replay.statusCode()).isEqualTo(400);
        assertThat(replay.body()).contains("invalid_grant");
        assertThat(idp.redemptions(code)).isEqualTo(2);

        page.findElement(By.id("forget-key")).click();
        assertThat(js("return sessionStorage.getItem('" + KEY + "')")).isNull();
        assertThat(page.findElement(By.id("idp-sign-in")).isDisplayed()).isTrue();
    }

    @Test
    void anAnswerWithAnotherStateIsNotExchangedAndNothingIsStored() {
        idp.answerNextWithState("forged-state");
        WebDriver page = browser.driver();
        WebDriverWait wait = ConsoleBrowserSupport.waiting(page, Duration.ofSeconds(20));
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("idp-sign-in"))).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("problem")));
        browser.screenshot("h2-oidc-state-mismatch");
        assertThat(page.findElement(By.id("problem-title")).getText()).isEqualTo("Sign-in failed");
        assertThat(page.findElement(By.id("problem-detail")).getText()).contains("state does not match");
        assertThat(idp.redemptions(idp.lastCode())).as("the code is never sent to the token endpoint").isZero();
        assertThat(js("return sessionStorage.getItem('" + KEY + "')")).isNull();
        assertThat(page.getCurrentUrl()).isEqualTo(console);
        assertThat(page.findElement(By.id("key-form")).isDisplayed()).isTrue();
    }

    @Test
    void theIdentityProvidersRefusalIsShown() {
        idp.refuseNext("access_denied", "The operator declined the sign-in");
        WebDriver page = browser.driver();
        WebDriverWait wait = ConsoleBrowserSupport.waiting(page, Duration.ofSeconds(20));
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("idp-sign-in"))).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("problem")));
        assertThat(page.findElement(By.id("problem-title")).getText()).isEqualTo("Sign-in refused by " + idpHost);
        assertThat(page.findElement(By.id("problem-detail")).getText()).isEqualTo("access_denied: The operator declined the sign-in");
        assertThat(js("return sessionStorage.getItem('" + KEY + "')")).isNull();
        assertThat(page.getCurrentUrl()).isEqualTo(console);
    }

    @Test
    void anExpiredAccessTokenReturnsTheOperatorToTheSignIn() {
        idp.tokenLifetime(Duration.ofMinutes(-5)); // expired beyond the gateway's clock-skew allowance
        try {
            WebDriver page = browser.driver();
            WebDriverWait wait = ConsoleBrowserSupport.waiting(page, Duration.ofSeconds(20));
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("idp-sign-in"))).click();
            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("view"), "Signed out"));
            browser.screenshot("h2-oidc-expired");
            assertThat(js("return sessionStorage.getItem('" + KEY + "')")).isNull();
            assertThat(page.findElement(By.id("key-form")).isDisplayed()).isTrue();
            assertThat(page.findElement(By.id("idp-sign-in")).isDisplayed()).isTrue();
        } finally {
            idp.tokenLifetime(Duration.ofMinutes(10));
        }
    }

    @Test
    void aPastedAccessTokenStillWorks() {
        WebDriver page = browser.driver();
        WebDriverWait wait = ConsoleBrowserSupport.waiting(page, Duration.ofSeconds(20));
        wait.until(ExpectedConditions.textToBe(By.cssSelector("label[for='api-key']"), "API key or access token"));
        assertThat(page.findElement(By.id("key-help")).getText()).contains(idp.issuer());
        page.findElement(By.id("api-key")).sendKeys(idp.accessToken("pat", "openid gateway:read"));
        page.findElement(By.cssSelector("#key-form button[type='submit']")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("tr[data-incident='OIDC-1']")));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("live-status"), "Live (stream)"));
        assertThat(page.findElement(By.id("problem")).isDisplayed()).isFalse();
        assertThat(page.findElement(By.id("forget-key")).getText()).isEqualTo("Forget key");
        assertThat(browser.consoleLog()).noneMatch(e -> e.getLevel().intValue() >= Level.WARNING.intValue());
    }

    /** What the fake refuses, as a real provider would: the tests above prove something only if it does. */
    @Test
    void theFakeProviderRefusesWhatARealOneRefuses() throws Exception {
        HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
        String challenge = FakeOidcProvider.s256("v".repeat(43));
        HttpResponse<String> unregistered = http.send(HttpRequest.newBuilder(URI.create(idp.authorizationEndpoint()
                + "?response_type=code&client_id=" + CLIENT_ID + "&redirect_uri=" + enc(console + "evil") + "&state=s"
                + "&code_challenge_method=S256&code_challenge=" + challenge)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(unregistered.statusCode()).isEqualTo(400);
        assertThat(unregistered.headers().firstValue("Location")).isEmpty();
        HttpResponse<String> plain = http.send(HttpRequest.newBuilder(URI.create(idp.authorizationEndpoint()
                + "?response_type=code&client_id=" + CLIENT_ID + "&redirect_uri=" + enc(console) + "&state=s"
                + "&code_challenge_method=plain&code_challenge=" + challenge)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(plain.headers().firstValue("Location").orElseThrow()).startsWith(console + "?error=invalid_request");

        HttpResponse<String> granted = http.send(HttpRequest.newBuilder(URI.create(idp.authorizationEndpoint()
                + "?response_type=code&client_id=" + CLIENT_ID + "&redirect_uri=" + enc(console) + "&state=s"
                + "&code_challenge_method=S256&code_challenge=" + challenge)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(granted.headers().firstValue("Location").orElseThrow()).startsWith(console + "?code=").endsWith("&state=s");
        HttpResponse<String> wrongVerifier = tokenRequest(Map.of("grant_type", "authorization_code", "code", idp.lastCode(),
                "redirect_uri", console, "client_id", CLIENT_ID, "code_verifier", "w".repeat(43)), "http://elsewhere.example");
        assertThat(wrongVerifier.statusCode()).isEqualTo(400);
        assertThat(wrongVerifier.body()).contains("invalid_grant").contains("PKCE");
        assertThat(wrongVerifier.headers().firstValue("Access-Control-Allow-Origin")).as("no CORS for another origin").isEmpty();
    }

    private static HttpResponse<String> tokenRequest(Map<String, String> form, String origin) throws Exception {
        StringBuilder body = new StringBuilder();
        form.forEach((k, v) -> body.append(body.length() == 0 ? "" : "&").append(enc(k)).append('=').append(enc(v)));
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(idp.tokenEndpoint()))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
        if (origin != null) {
            request.header("Origin", origin);
        }
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static Object js(String script) {
        return ((JavascriptExecutor) browser.driver()).executeScript(script);
    }
}
