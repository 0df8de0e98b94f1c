package dev.incidentgateway.console;

import dev.incidentgateway.testsupport.GatewayFixture;
import dev.incidentgateway.testsupport.HeadlessChromium;
import dev.incidentgateway.testsupport.HttpApi;
import dev.incidentgateway.testsupport.TestStore;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;

import java.util.Map;

import static dev.incidentgateway.console.ConsoleBrowserSupport.assertNoConsoleErrors;
import static dev.incidentgateway.console.ConsoleBrowserSupport.assertNoHorizontalScroll;
import static dev.incidentgateway.console.ConsoleBrowserSupport.js;
import static dev.incidentgateway.console.ConsoleBrowserSupport.waitFor;
import static dev.incidentgateway.console.ConsoleBrowserSupport.waiting;
import static dev.incidentgateway.testsupport.HttpApi.obj;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Text as long as the API accepts it, with no place to break (a 1,024-character title, a 256-character actor and
 * assignee, a 1,000-character reason: a hash, a URL, a stack frame), on a laptop's width. It made the incident list
 * 15,000 px wide, so the status and SLA of every incident were scrolled out of sight, and the incident page as wide:
 * the title, the commander and the timeline now wrap instead.
 */
class ConsoleLongContentIT {
    private static final String TITLE = "T".repeat(1024);
    private static final String NAME = "n".repeat(256);
    private static final String REASON = "r".repeat(1000);

    @Test
    void unbrokenTextAsLongAsTheApiAcceptsWrapsInsteadOfWideningThePage() throws Exception {
        HeadlessChromium.assumeAvailable();
        try (GatewayFixture fixture = GatewayFixture.start(TestStore.Kind.H2, Map.of());
             HeadlessChromium browser = HeadlessChromium.start(1280, 860)) {
            HttpApi http = fixture.http();
            assertThat(http.postJson("/api/v1/incidents", obj("id", "LONG-1", "title", TITLE, "actor", NAME, "severity", "sev2"))
                    .status()).isEqualTo(201);
            assertThat(http.postJson("/api/v1/incidents/LONG-1/events", obj("type", "role_assign", "actor", NAME,
                    "data", obj("role", "commander", "assignee", NAME))).status()).isEqualTo(201);
            assertThat(http.postJson("/api/v1/incidents/LONG-1/events", obj("type", "state_change", "actor", NAME,
                    "data", obj("to", "acknowledged", "reason", REASON))).status()).isEqualTo(201);
            WebDriver page = ConsoleBrowserSupport.signIn(browser, fixture.gateway().port(), "/", "Pat", fixture.adminKey());
            waiting(page).until(ExpectedConditions.textToBePresentInElementLocated(
                    By.cssSelector("tr[data-incident='LONG-1'] [data-field='status']"), "acknowledged"));
            assertNoHorizontalScroll(page);
            assertThat(js(page, "const r = document.querySelector(\"tr[data-incident='LONG-1'] [data-field='status']\")"
                    + ".getBoundingClientRect(); return r.right <= document.documentElement.clientWidth;"))
                    .as("the status is in sight").isEqualTo(true);
            browser.screenshot("h2-incidents-long-title");

            page.findElement(By.linkText("LONG-1")).click();
            waitFor(page, By.cssSelector("ol.timeline li[data-type='state_change']"));
            assertThat(page.findElement(By.cssSelector("dd[data-field='commander']")).getText()).isEqualTo(NAME);
            assertNoHorizontalScroll(page);
            browser.screenshot("h2-incident-long-title");
            assertNoConsoleErrors(browser);
        }
    }
}
