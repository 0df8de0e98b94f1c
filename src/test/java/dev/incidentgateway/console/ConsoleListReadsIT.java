package dev.incidentgateway.console;

import dev.incidentgateway.testsupport.GatewayFixture;
import dev.incidentgateway.testsupport.HeadlessChromium;
import dev.incidentgateway.testsupport.HttpApi;
import dev.incidentgateway.testsupport.TestStore;
import dev.incidentgateway.timeline.EventType;
import dev.incidentgateway.timeline.NewEvent;
import dev.incidentgateway.timeline.Severity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static dev.incidentgateway.console.ConsoleBrowserSupport.assertNoConsoleErrors;
import static dev.incidentgateway.console.ConsoleBrowserSupport.js;
import static dev.incidentgateway.console.ConsoleBrowserSupport.waitFor;
import static dev.incidentgateway.console.ConsoleBrowserSupport.waiting;
import static dev.incidentgateway.testsupport.HttpApi.obj;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the incident list asks of the gateway, recorded in Chromium as {@link ConsolePageRereadIT} records the stream's
 * URL. It asked {@code GET /api/v1/incidents/{id}/sla} once per listed incident on every live update (a hundred requests
 * a refresh, which met the per-principal rate limit, and a refused one left its SLA cell blank); and when the gateway
 * answered 429 with Retry-After it read again at the next live event, into the same refusal.
 */
class ConsoleListReadsIT {
    private static final String POLICY = """
            severities:
              sev2: {acknowledge: 15m, resolve: 24h}
            """;

    /**
     * Records every request the page sends to /api/v1 (the live stream aside): {url, at (ms), status, retryAfter}, in
     * {@code window.calls}.
     */
    private static final String RECORD_CALLS = """
            const fetchFromGateway = window.fetch;
            window.calls = [];
            window.fetch = async (url, options) => {
              const path = String(url);
              if (!path.startsWith('/api/v1/') || path.startsWith('/api/v1/stream')) return fetchFromGateway(url, options);
              const call = { url: path, at: performance.now(), status: null };
              window.calls.push(call);
              const response = await fetchFromGateway(url, options);
              call.status = response.status;
              call.retryAfter = response.headers.get('Retry-After');
              return response;
            };""";

    /**
     * While {@code window.limited}, the list's reads are answered as the gateway answers a caller over its rate limit
     * (ApiProblem.tooManyRequests: 429, problem+json, Retry-After 3); the page's own fetch records the answer.
     */
    private static final String RATE_LIMITED = """
            const recorded = window.fetch;
            window.limited = false;
            window.fetch = (url, options) => {
              const path = String(url);
              if (!window.limited || !(path.startsWith('/api/v1/incidents?') || path.startsWith('/api/v1/sla'))) return recorded(url, options);
              const call = { url: path, at: performance.now(), status: 429 };
              window.calls.push(call);
              return Promise.resolve(new Response(JSON.stringify({ type: 'urn:incident-gateway:problem:rate-limited',
                title: 'Too many requests', status: 429, detail: 'key:admin is limited to 1 request/s' }),
                { status: 429, headers: { 'Content-Type': 'application/problem+json', 'Retry-After': '3' } }));
            };""";

    private static GatewayFixture gatewayWithSla(Path dir) throws Exception {
        Path policy = Files.writeString(dir.resolve("sla.yaml"), POLICY);
        return GatewayFixture.start(TestStore.Kind.H2, Map.of("GATEWAY_SLA_FILE", policy.toString()));
    }

    private static void declare(HttpApi http, String id) {
        assertThat(http.postJson("/api/v1/incidents", obj("id", id, "title", "Checkout slow", "actor", "pat", "severity", "sev2"))
                .status()).isEqualTo(201);
    }

    /** Declares {@code prefix}-1 … {@code prefix}-{@code count} and opens the incident list, running {@code script} first. */
    private static WebDriver listOf(GatewayFixture fixture, HeadlessChromium browser, String prefix, int count, String script) {
        for (int n = 1; n <= count; n++) {
            declare(fixture.http(), prefix + "-" + n);
        }
        return ConsoleBrowserSupport.signIn(browser, fixture.gateway().port(), "/", "Pat", fixture.adminKey(), script);
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> calls(WebDriver page) {
        return (List<Map<String, Object>>) js(page, "return window.calls;");
    }

    /** Thirty incidents: each refresh of the list reads the list and the clocks of all of them, two requests. */
    @Test
    void theSlaColumnOfThirtyIncidentsIsOneRequestPerRefresh(@TempDir Path dir) throws Exception {
        HeadlessChromium.assumeAvailable();
        try (GatewayFixture fixture = gatewayWithSla(dir); HeadlessChromium browser = HeadlessChromium.start(1280, 860)) {
            WebDriver page = listOf(fixture, browser, "LIST", 30, RECORD_CALLS);
            waiting(page).until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("tr[data-incident='LIST-1']"),
                    "running acknowledge"));
            js(page, "window.calls.length = 0;");

            declare(fixture.http(), "LIST-31"); // a live event: the list is read again
            waiting(page).until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("tr[data-incident='LIST-31']"),
                    "running acknowledge"));
            assertThat(page.findElements(By.cssSelector("tr[data-incident] [data-sla-target]"))).hasSize(31);
            List<Object> urls = calls(page).stream().map(c -> c.get("url")).toList();
            assertThat(urls).as("requests of the refreshes").isNotEmpty()
                    .allMatch(u -> u.equals("/api/v1/incidents?limit=100") || String.valueOf(u).startsWith("/api/v1/sla?incident="));
            assertThat(urls.stream().filter(u -> String.valueOf(u).startsWith("/api/v1/sla?")).count())
                    .as("SLA reads, one per list read").isEqualTo(urls.stream().filter(u -> u.equals("/api/v1/incidents?limit=100")).count());
            assertNoConsoleErrors(browser);
        }
    }

    /**
     * A 429 with Retry-After: 3 on the list's re-read: the table stays, the page says it waits 3 s, live events meanwhile
     * send nothing, and the page reads again once, on its own, when the 3 s are over.
     */
    @Test
    void aRateLimitedListWaitsItsRetryAfterSaysSoAndReadsAgain(@TempDir Path dir) throws Exception {
        HeadlessChromium.assumeAvailable();
        try (GatewayFixture fixture = gatewayWithSla(dir); HeadlessChromium browser = HeadlessChromium.start(1280, 860)) {
            WebDriver page = listOf(fixture, browser, "LIM", 3, RECORD_CALLS + RATE_LIMITED);
            waitFor(page, By.cssSelector("tr[data-incident='LIM-3']"));
            js(page, "window.calls.length = 0; window.limited = true;");

            declare(fixture.http(), "LIM-4"); // its live event re-reads the list: refused
            assertThat(waitFor(page, By.cssSelector("#problem [data-field='backoff']")).getText())
                    .contains("Retry-After 3 s").contains("again in 3 s, at");
            assertThat(page.findElement(By.id("problem-title")).getText()).isEqualTo("Too many requests");
            assertThat(page.findElements(By.cssSelector("tr[data-incident]"))).as("the table shown before").hasSize(3);
            declare(fixture.http(), "LIM-5"); // more live events during the wait
            declare(fixture.http(), "LIM-6");
            js(page, "window.limited = false;");

            waitFor(page, By.cssSelector("tr[data-incident='LIM-6']"));
            waiting(page).until(ExpectedConditions.invisibilityOfElementLocated(By.id("problem")));
            List<Map<String, Object>> calls = calls(page);
            assertThat(calls.get(0)).containsEntry("url", "/api/v1/incidents?limit=100").containsEntry("status", 429L);
            assertThat(calls.subList(1, calls.size())).as("the reads after the wait").isNotEmpty().allMatch(c -> c.get("status").equals(200L));
            double refusedAt = ((Number) calls.get(0).get("at")).doubleValue();
            double nextAt = ((Number) calls.get(1).get("at")).doubleValue();
            assertThat(nextAt - refusedAt).as("ms from the refusal to the next request").isGreaterThanOrEqualTo(3000);
            assertNoConsoleErrors(browser);
        }
    }
    /**
     * The gateway's own per-principal rate limit (1 request/s): while the test spends the key's budget, a live event's
     * re-read is refused with 429; the page says it waits, sends nothing before each Retry-After is over, and shows the
     * new incident once the budget is back.
     */
    @Test
    void underTheGatewaysRateLimitTheListWaitsEachRetryAfterAndCatchesUp(@TempDir Path dir) throws Exception {
        HeadlessChromium.assumeAvailable();
        Path policy = Files.writeString(dir.resolve("sla.yaml"), POLICY);
        try (GatewayFixture fixture = GatewayFixture.start(TestStore.Kind.H2, Map.of("GATEWAY_SLA_FILE", policy.toString(),
                "GATEWAY_API_RATE_PER_S", "1", "GATEWAY_API_RATE_BURST", "20"));
             HeadlessChromium browser = HeadlessChromium.start(1280, 860)) {
            WebDriver page = listOf(fixture, browser, "RATE", 3, RECORD_CALLS);
            waitFor(page, By.cssSelector("tr[data-incident='RATE-3'] [data-sla-target]"));
            js(page, "window.calls.length = 0;");

            // The key's budget is the test's to spend: spent first, then a live event (appended through the store, not the
            // API), then kept spent until the page waits.
            int spent = 0;
            while (fixture.http().get("/api/v1/whoami").status() != 429) {
                assertThat(++spent).as("requests before the budget of 20 was spent").isLessThan(1_000);
            }
            fixture.gateway().store().append(NewEvent.builder(EventType.DECLARE, "pat").incident("RATE-4").title("Checkout slow")
                    .severity(Severity.SEV2).build());
            while (page.findElements(By.cssSelector("#problem [data-field='backoff']")).stream().noneMatch(WebElement::isDisplayed)) {
                assertThat(++spent).as("requests spent before the page was refused").isLessThan(20_000);
                fixture.http().get("/api/v1/whoami");
            }
            assertThat(page.findElement(By.id("problem-title")).getText()).isEqualTo("Too many requests");
            assertThat(page.findElements(By.cssSelector("tr[data-incident]"))).as("the table shown before").hasSize(3);

            waitFor(page, By.cssSelector("tr[data-incident='RATE-4'] [data-sla-target]"));
            waiting(page).until(ExpectedConditions.invisibilityOfElementLocated(By.id("problem")));
            List<Map<String, Object>> calls = calls(page);
            assertThat(calls).extracting(c -> c.get("status")).contains(429L);
            for (int i = 0; i + 1 < calls.size(); i++) {
                if (Long.valueOf(429).equals(calls.get(i).get("status"))) {
                    double waited = ((Number) calls.get(i + 1).get("at")).doubleValue() - ((Number) calls.get(i).get("at")).doubleValue();
                    assertThat(waited).as("ms after refusal %d (Retry-After %s)", i, calls.get(i).get("retryAfter"))
                            .isGreaterThanOrEqualTo(1000 * Double.parseDouble(String.valueOf(calls.get(i).get("retryAfter"))));
                }
            }
        }
    }
}
