package dev.incidentgateway.console;

import dev.incidentgateway.testsupport.GatewayFixture;
import dev.incidentgateway.testsupport.HeadlessChromium;
import dev.incidentgateway.testsupport.HttpApi;
import dev.incidentgateway.testsupport.TestStore;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;

import java.util.List;
import java.util.Map;

import static dev.incidentgateway.console.ConsoleBrowserSupport.assertNoConsoleErrors;
import static dev.incidentgateway.console.ConsoleBrowserSupport.js;
import static dev.incidentgateway.console.ConsoleBrowserSupport.waitFor;
import static dev.incidentgateway.console.ConsoleBrowserSupport.waiting;
import static dev.incidentgateway.testsupport.HttpApi.obj;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the pages do on their own: the Outbox and Sources re-read the API every few seconds, every page at a live event.
 * <p>
 * Signing out stops the page on screen. The Outbox and Sources pages re-read the API every few seconds; after
 * "Forget key" (or a 401 sign-out, an expired access token) they went on asking without a key, so the sign-in screen
 * showed "Unauthorized: This endpoint needs a credential" every 3 s and the browser's console filled with 401s. The
 * page's timers are counted by wrapping {@code setInterval}: no waiting for the next tick to prove there is none.
 */
class ConsolePageRereadIT {
    /** Makes the page's calls to the path given as argument fail as when the gateway is down, while {@code window.gatewayDown}. */
    private static final String GATEWAY_DOWN_FOR = """
            const fetchFromGateway = window.fetch, path = arguments[0];
            window.gatewayDown = true;
            window.fetch = (url, options) => window.gatewayDown && String(url).startsWith(path)
                ? Promise.reject(new TypeError('Failed to fetch')) : fetchFromGateway(url, options);""";

    private static final String COUNT_TIMERS = """
            const set = window.setInterval, clear = window.clearInterval;
            window.liveTimers = new Set();
            window.setInterval = (fn, ms) => { const id = set(fn, ms); window.liveTimers.add(id); return id; };
            window.clearInterval = (id) => { window.liveTimers.delete(id); clear(id); };""";

    @Test
    void signingOutStopsTheOutboxAndSourcesFromAskingWithoutAKey() throws Exception {
        HeadlessChromium.assumeAvailable();
        try (GatewayFixture fixture = GatewayFixture.start(TestStore.Kind.H2, Map.of());
             HeadlessChromium browser = HeadlessChromium.start(1280, 860)) {
            int port = fixture.gateway().port();
            for (String section : new String[] {"Outbox", "Sources"}) {
                WebDriver page = ConsoleBrowserSupport.signIn(browser, port, "/", "Pat", fixture.adminKey());
                waitFor(page, By.linkText(section));
                js(page, COUNT_TIMERS);
                page.findElement(By.linkText(section)).click();
                waitFor(page, By.xpath("//h2[normalize-space()='" + section + "']"));
                // The page starts its timer once it has read the API the first time.
                waiting(page).until(d -> Long.valueOf(1).equals(js(d, "return window.liveTimers.size;")));

                page.findElement(By.id("forget-key")).click();
                waitFor(page, By.id("api-key"));
                assertThat(js(page, "return window.liveTimers.size;")).as(section + "'s timer after sign-out").isEqualTo(0L);
                assertThat(page.findElement(By.id("problem")).isDisplayed()).as("an error on the sign-in screen").isFalse();
            }
            assertNoConsoleErrors(browser);
        }
    }

    /** Records the URL of every live stream the page opens, in {@code window.streams}. */
    private static final String RECORD_STREAMS = """
            const fetchFromGateway = window.fetch;
            window.streams = [];
            window.fetch = (url, options) => {
              if (String(url).startsWith('/api/v1/stream')) window.streams.push(String(url));
              return fetchFromGateway(url, options);
            };""";

    /**
     * Opened first (a link from a chat message), the page of an incident last changed long ago started the live feed at
     * that incident's last event: the stream replayed every event of every incident since, and the page re-read itself
     * for them. It starts at the newest event now.
     */
    @Test
    void anOldIncidentsPageOpenedFirstStartsTheFeedAtTheNewestEvent() throws Exception {
        HeadlessChromium.assumeAvailable();
        try (GatewayFixture fixture = GatewayFixture.start(TestStore.Kind.H2, Map.of());
             HeadlessChromium browser = HeadlessChromium.start(1280, 860)) {
            HttpApi http = fixture.http();
            assertThat(http.postJson("/api/v1/incidents", obj("id", "OLD-1", "title", "Old", "actor", "pat", "severity", "sev3")).status()).isEqualTo(201);
            String oldLast = http.get("/api/v1/incidents/OLD-1").json().path("lastEventId").asText();
            for (int i = 0; i < 5; i++) {
                assertThat(http.postJson("/api/v1/incidents", obj("id", "NEW-" + i, "title", "New", "actor", "pat", "severity", "sev3")).status()).isEqualTo(201);
            }
            String newest = http.get("/api/v1/incidents/NEW-4").json().path("lastEventId").asText();
            assertThat(newest).isGreaterThan(oldLast);

            WebDriver page = ConsoleBrowserSupport.signIn(browser, fixture.gateway().port(), "/#/incidents/OLD-1", "Pat",
                    fixture.adminKey(), RECORD_STREAMS);
            waitFor(page, By.cssSelector("ol.timeline li[data-type='declare']"));
            waiting(page).until(d -> !((List<?>) js(d, "return window.streams;")).isEmpty());
            assertThat((List<Object>) js(page, "return window.streams;")).containsExactly((Object) "/api/v1/stream?after=" + newest);
        }
    }

    /**
     * A re-read that failed (the gateway restarting) showed "Gateway unreachable", and the message stayed while the page
     * read the gateway again without trouble: it now goes with the next re-read that works.
     */
    @Test
    void aReReadsProblemGoesOnceTheGatewayAnswersAgain() throws Exception {
        HeadlessChromium.assumeAvailable();
        try (GatewayFixture fixture = GatewayFixture.start(TestStore.Kind.H2, Map.of());
             HeadlessChromium browser = HeadlessChromium.start(1280, 860)) {
            WebDriver page = ConsoleBrowserSupport.signIn(browser, fixture.gateway().port(), "/#/sources", "Pat", fixture.adminKey());
            waitFor(page, By.cssSelector("[data-check='store']"));
            ((JavascriptExecutor) page).executeScript(GATEWAY_DOWN_FOR, "/api/v1/sources");
            WebElement problem = waitFor(page, By.id("problem"));
            assertThat(problem.getText()).contains("Gateway unreachable");

            js(page, "window.gatewayDown = false;");
            waiting(page).until(ExpectedConditions.invisibilityOfElementLocated(By.id("problem")));
        }
    }

    /**
     * Counts the page's reads of the incident {@code arguments[0]} ({@code GET /api/v1/incidents/<id>}, the first request
     * of each re-read of its page) that are in flight at once, in {@code window.mostAtOnce}; while {@code window.slow},
     * each takes 1.5 s more, as from a loaded gateway.
     */
    private static final String SLOW_INCIDENT_READS = """
            const fetchFromGateway = window.fetch, path = arguments[0];
            window.atOnce = 0; window.mostAtOnce = 0; window.slow = false;
            window.fetch = async (url, options) => {
              if (String(url) !== path) return fetchFromGateway(url, options);
              window.mostAtOnce = Math.max(window.mostAtOnce, ++window.atOnce);
              try {
                if (window.slow) await new Promise((resolve) => setTimeout(resolve, 1500));
                return await fetchFromGateway(url, options);
              } finally {
                window.atOnce -= 1;
              }
            };""";

    /**
     * The incident page re-read itself at each live event of its incident even while the re-read before was still
     * running: on a slow gateway, three events 0.4 s apart had three re-reads in flight at once, which could render an
     * older status after a newer one. It now re-reads one at a time (ui.js oneAtATime, as the incident list), and shows
     * every event once, in order.
     */
    @Test
    void theIncidentPageReReadsOneAtATime() throws Exception {
        HeadlessChromium.assumeAvailable();
        try (GatewayFixture fixture = GatewayFixture.start(TestStore.Kind.H2, Map.of());
             HeadlessChromium browser = HeadlessChromium.start(1280, 860)) {
            HttpApi http = fixture.http();
            assertThat(http.postJson("/api/v1/incidents", obj("id", "SER-1", "title", "Slow", "actor", "pat", "severity", "sev3")).status()).isEqualTo(201);
            WebDriver page = ConsoleBrowserSupport.signIn(browser, fixture.gateway().port(), "/#/incidents/SER-1", "Pat", fixture.adminKey());
            waitFor(page, By.cssSelector("ol.timeline li[data-type='declare']"));
            waiting(page).until(ExpectedConditions.textToBePresentInElementLocated(By.id("live-status"), "Live (stream)"));
            ((JavascriptExecutor) page).executeScript(SLOW_INCIDENT_READS + "window.slow = true;", "/api/v1/incidents/SER-1");

            for (int n = 1; n <= 3; n++) {
                assertThat(http.postJson("/api/v1/incidents/SER-1/events", obj("type", "note", "actor", "pat", "content", "note " + n)).status())
                        .isEqualTo(201);
                Thread.sleep(400); // each event its own live delivery (the page gathers those 150 ms apart), while a re-read runs
            }
            waiting(page).until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("ol.timeline li[data-type='note']"), 3));
            waiting(page).until(d -> Long.valueOf(0).equals(js(d, "return window.atOnce;")));
            assertThat(js(page, "return window.mostAtOnce;")).as("re-reads of the incident in flight at once").isEqualTo(1L);
            assertThat(page.findElements(By.cssSelector("ol.timeline li[data-type='note'] [data-field='content']")))
                    .extracting(WebElement::getText).containsExactly("note 1", "note 2", "note 3");
            assertNoConsoleErrors(browser);
        }
    }
}
