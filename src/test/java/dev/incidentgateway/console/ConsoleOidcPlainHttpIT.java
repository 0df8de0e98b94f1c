package dev.incidentgateway.console;

import com.sun.net.httpserver.HttpServer;
import dev.incidentgateway.testsupport.FakeOidcProvider;
import dev.incidentgateway.testsupport.GatewayFixture;
import dev.incidentgateway.testsupport.HeadlessChromium;
import dev.incidentgateway.testsupport.HttpApi;
import dev.incidentgateway.testsupport.TestStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Security review (session 38): an identity provider reachable over https (here loopback) whose discovery document
 * names plain-http authorization and token endpoints on another host, as one behind a misconfigured proxy does. The
 * browser would carry the operator's sign-in and the authorization code there in clear, so the console offers no
 * sign-in at that provider and says why (the key form still works), and the browser sends nothing there; with
 * {@code GATEWAY_OIDC_ALLOW_INSECURE_HTTP=true} the endpoints are offered. "Another host" is this machine's own
 * non-loopback address, where a server counts every request that reaches it.
 */
class ConsoleOidcPlainHttpIT {
    private static final String AUDIENCE = "incident-gateway";

    private static FakeOidcProvider idp;
    private static HttpServer elsewhere;
    private static final AtomicInteger elsewhereRequests = new AtomicInteger();
    private static String elsewhereBase;

    @BeforeAll
    static void start() throws Exception {
        InetAddress address = nonLoopbackAddress();
        assumeTrue(address != null, "this machine has no non-loopback IPv4 address to stand for another host");
        elsewhere = HttpServer.create(new InetSocketAddress(address, 0), 0);
        elsewhere.createContext("/", ex -> {
            elsewhereRequests.incrementAndGet();
            ex.sendResponseHeaders(404, -1);
            ex.close();
        });
        elsewhere.start();
        elsewhereBase = "http://" + address.getHostAddress() + ":" + elsewhere.getAddress().getPort();
        idp = new FakeOidcProvider(AUDIENCE);
        idp.discoveryNamesEndpoints(elsewhereBase + "/authorize", elsewhereBase + "/token");
    }

    @AfterAll
    static void stop() {
        if (idp != null) {
            idp.close();
        }
        if (elsewhere != null) {
            elsewhere.stop(0);
        }
    }

    @Test
    void plainHttpEndpointsOnAnotherHostAreNotOfferedAndTheBrowserSendsNothingThere() throws Exception {
        HeadlessChromium.assumeAvailable();
        try (GatewayFixture fixture = gateway(false); HeadlessChromium browser = HeadlessChromium.start(1280, 860)) {
            HttpApi http = new HttpApi(fixture.gateway().port());
            HttpApi.Response features = http.get("/console/features.json");
            assertThat(features.status()).isEqualTo(200);
            assertThat(features.json().path("oidcSignIn").has("authorizationEndpoint")).isFalse();
            assertThat(features.json().path("oidcSignIn").has("tokenEndpoint")).isFalse();
            assertThat(features.json().path("oidcSignIn").path("problem").asText()).contains(
                    "names authorization_endpoint '" + elsewhereBase + "/authorize' is plain http",
                    "GATEWAY_OIDC_ALLOW_INSECURE_HTTP=true");
            assertThat(http.get("/").header("Content-Security-Policy").orElseThrow())
                    .as("the page may not connect there either").contains("connect-src 'self';").doesNotContain(elsewhereBase);

            WebDriver page = browser.driver();
            page.get("http://127.0.0.1:" + fixture.gateway().port() + "/");
            ConsoleBrowserSupport.waiting(page, Duration.ofSeconds(20))
                    .until(ExpectedConditions.textToBePresentInElementLocated(By.id("key-help"), "is unavailable"));
            browser.screenshot("h2-oidc-plain-http-endpoints");
            assertThat(page.findElement(By.id("key-help")).getText()).contains("names authorization_endpoint");
            assertThat(page.findElements(By.id("idp-sign-in"))).noneMatch(WebElement::isDisplayed);
            assertThat(page.findElement(By.id("key-form")).isDisplayed()).isTrue();
        }
        assertThat(elsewhereRequests).as("requests that reached the plain-http endpoints").hasValue(0);
    }

    @Test
    void theOptOutOffersThem() throws Exception {
        try (GatewayFixture fixture = gateway(true)) {
            HttpApi http = new HttpApi(fixture.gateway().port());
            HttpApi.Response features = http.get("/console/features.json");
            assertThat(features.json().path("oidcSignIn").path("authorizationEndpoint").asText()).isEqualTo(elsewhereBase + "/authorize");
            assertThat(features.json().path("oidcSignIn").path("tokenEndpoint").asText()).isEqualTo(elsewhereBase + "/token");
            assertThat(features.json().path("oidcSignIn").has("problem")).isFalse();
            assertThat(http.get("/").header("Content-Security-Policy").orElseThrow()).contains("connect-src 'self' " + elsewhereBase + ";");
        }
    }

    private static GatewayFixture gateway(boolean allowInsecureHttp) throws Exception {
        Map<String, String> env = new HashMap<>(Map.of("GATEWAY_OIDC_ISSUER", idp.issuer(), "GATEWAY_OIDC_AUDIENCE", AUDIENCE,
                "GATEWAY_OIDC_CONSOLE_CLIENT_ID", "incident-console"));
        if (allowInsecureHttp) {
            env.put("GATEWAY_OIDC_ALLOW_INSECURE_HTTP", "true");
        }
        return GatewayFixture.start(TestStore.Kind.H2, env);
    }

    /** An IPv4 address of this machine other than loopback, or null. */
    private static InetAddress nonLoopbackAddress() throws SocketException {
        return NetworkInterface.networkInterfaces().filter(ConsoleOidcPlainHttpIT::up)
                .flatMap(NetworkInterface::inetAddresses)
                .filter(a -> a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress())
                .findFirst().orElse(null);
    }

    private static boolean up(NetworkInterface nic) {
        try {
            return nic.isUp() && !nic.isLoopback();
        } catch (SocketException e) {
            return false;
        }
    }
}
