package dev.incidentgateway.console;

import dev.incidentgateway.testsupport.GatewayFixture;
import dev.incidentgateway.testsupport.HeadlessChromium;
import dev.incidentgateway.testsupport.HttpApi;
import dev.incidentgateway.testsupport.TestStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.WebDriver;

import java.util.Map;

import static dev.incidentgateway.testsupport.HttpApi.obj;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * One gateway per console test class, on the store of {@link #kind()}, with the environment the class asks for; each
 * test is skipped (in CI: failed) when the store or Chromium is missing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ConsoleGatewayContract {
    GatewayFixture fixture;
    HttpApi http;
    /** The class's one Chromium, started by the first test that asks for it; each test gets it anew (see {@link #browser}). */
    private HeadlessChromium chromium;

    abstract TestStore.Kind kind();

    /** The gateway's environment beyond the fixture's (fakes it talks to are started here); asked once. */
    abstract Map<String, String> gatewayEnv() throws Exception;

    /** Stops what {@link #gatewayEnv()} started, after the gateway. */
    void stopFakes() {
    }

    @BeforeAll
    void start() throws Exception {
        if (!GatewayFixture.available(kind()) || !HeadlessChromium.available()) {
            return; // each test says why it is skipped (or, in CI, fails): see gatewayRunning
        }
        fixture = GatewayFixture.start(kind(), gatewayEnv());
        http = fixture.http();
    }

    @AfterAll
    void stop() {
        if (chromium != null) {
            chromium.close();
        }
        if (fixture != null) {
            fixture.close();
        }
        stopFakes();
    }

    /**
     * The class's browser for this test, {@code width}×{@code height}, as fresh as a new one ({@link HeadlessChromium#nextTest});
     * closing it (try-with-resources) leaves it running for the next test.
     */
    HeadlessChromium browser(int width, int height) {
        if (chromium == null) {
            chromium = HeadlessChromium.start(width, height);
        }
        return chromium.nextTest(width, height);
    }

    @BeforeEach
    void gatewayRunning() {
        GatewayFixture.assumeStore(kind());
        HeadlessChromium.assumeAvailable();
        assertThat(fixture).as("gateway").isNotNull();
    }

    WebDriver signIn(HeadlessChromium browser, String path, String actor, String key) {
        return ConsoleBrowserSupport.signIn(browser, fixture.gateway().port(), path, actor, key);
    }

    void declare(String id, String title, String severity) {
        HttpApi.Response r = http.postJson("/api/v1/incidents", obj("id", id, "title", title, "actor", "api", "severity", severity));
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
    }
}
