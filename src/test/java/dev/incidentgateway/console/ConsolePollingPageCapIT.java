package dev.incidentgateway.console;

import dev.incidentgateway.testsupport.GatewayFixture;
import dev.incidentgateway.testsupport.HeadlessChromium;
import dev.incidentgateway.testsupport.HttpApi;
import dev.incidentgateway.testsupport.TestStore;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.incidentgateway.testsupport.HttpApi.obj;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The console's polling fallback (live.js pollEvents, for a gateway without the stream) in Chromium, against a gateway
 * whose Since-feed pages stop at GATEWAY_PAGE_MAX_BYTES (64 KiB) before its 100 events: one poll follows the pages
 * the gateway closed at the byte budget ({@code Link: rel="next"} on fewer than 100 events) and brings every event,
 * in order. Before, it took such a page for the end and got the rest only at later polls, one page every 2 s.
 */
class ConsolePollingPageCapIT {
    @Test
    void onePollFollowsPagesClosedAtTheByteBudget() throws Exception {
        HeadlessChromium.assumeAvailable();
        try (GatewayFixture fixture = GatewayFixture.start(TestStore.Kind.H2, Map.of("GATEWAY_PAGE_MAX_BYTES", "65536"));
             HeadlessChromium browser = HeadlessChromium.start(1280, 860)) {
            HttpApi http = fixture.http();
            List<String> stored = new ArrayList<>();
            stored.add(http.postJson("/api/v1/incidents", obj("id", "POLL-1", "title", "t", "actor", "a")).json()
                    .get("event").get("id").asText());
            for (int i = 0; i < 6; i++) {
                HttpApi.Response r = http.postJson("/api/v1/incidents/POLL-1/events", obj("type", "note", "actor", "a",
                        "content", i + ":" + "n".repeat(40_000)));
                assertThat(r.status()).isEqualTo(201);
                stored.add(r.json().get("id").asText());
            }
            WebDriver page = ConsoleBrowserSupport.signIn(browser, fixture.gateway().port(), "/", "tester", fixture.adminKey());
            ConsoleBrowserSupport.waitFor(page, By.cssSelector("tr[data-incident='POLL-1']"));
            page.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
            // One poll (the next is ten minutes away): onError(null) says the poll is over; it answers what it got.
            Object got = ((JavascriptExecutor) page).executeAsyncScript("""
                    const done = arguments[arguments.length - 1];
                    import('/console/live.js').then((live) => {
                      const ids = [];
                      const feed = live.pollEvents(null, (batch) => batch.forEach((e) => ids.push(e.id)), (problem) => {
                        feed.stop();
                        done(problem ? 'failed: ' + problem.title : ids);
                      }, 600000);
                    }, (e) => done('failed: ' + e));
                    """);
            assertThat(got).as("the events of one poll").isEqualTo(stored);
            ConsoleBrowserSupport.assertNoConsoleErrors(browser);
        }
    }
}
