package dev.incidentgateway.console;

import dev.incidentgateway.testsupport.HeadlessChromium;
import dev.incidentgateway.testsupport.HttpApi;
import dev.incidentgateway.testsupport.TestStore;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;

import java.util.Map;

import static dev.incidentgateway.console.ConsoleBrowserSupport.FOCUSED;
import static dev.incidentgateway.console.ConsoleBrowserSupport.FOCUS_SHOWN;
import static dev.incidentgateway.console.ConsoleBrowserSupport.SOMEONE_ELSE_FIRST;
import static dev.incidentgateway.console.ConsoleBrowserSupport.assertFocusOn;
import static dev.incidentgateway.console.ConsoleBrowserSupport.assertNoConsoleErrors;
import static dev.incidentgateway.console.ConsoleBrowserSupport.js;
import static dev.incidentgateway.console.ConsoleBrowserSupport.press;
import static dev.incidentgateway.console.ConsoleBrowserSupport.tabTo;
import static dev.incidentgateway.console.ConsoleBrowserSupport.waitFor;
import static dev.incidentgateway.console.ConsoleBrowserSupport.waiting;
import static dev.incidentgateway.testsupport.HttpApi.obj;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What axe ({@link ConsoleAccessibilityIT}) cannot check.
 * <ul>
 * <li>The responder's main job without a mouse: from the console's address, Tab, Enter and Space only (sent to
 * whatever has the focus, as a keyboard would), sign in, move to an incident in the list, open it and acknowledge it;
 * at every stop of the focus on the way, the focused element shows it (an outline or a box-shadow in its computed
 * style, not {@code none}).</li>
 * <li>What a screen reader is told, read from the live regions' text as it would read it: new events in the list and
 * on an incident's page (what happened, to which incident, by whom) through the polite {@code #live-status}; an
 * action's success through the polite {@code #announcement}; its refusal, with the problem's detail, through the alert
 * ({@code role="alert"}, assertive), and only there.</li>
 * </ul>
 */
class ConsoleKeyboardAndAnnouncementsIT extends ConsoleGatewayContract {
    @Override
    TestStore.Kind kind() {
        return TestStore.Kind.H2;
    }

    @Override
    Map<String, String> gatewayEnv() {
        return Map.of();
    }

    @Test
    void aResponderSignsInOpensAnIncidentAndAcknowledgesItWithTheKeyboardAlone() {
        declare("KBD-1", "Checkout latency above 2 s", "sev2");
        declare("KBD-2", "Search index lagging", "sev3"); // listed above KBD-1 (newest first): the test has to move past it
        try (HeadlessChromium browser = browser(1280, 860)) {
            WebDriver page = browser.driver();
            page.get("http://127.0.0.1:" + fixture.gateway().port() + "/");
            waitFor(page, By.id("api-key"));

            tabTo(page, "document.activeElement.id === 'api-key'");
            press(page, fixture.adminKey());
            tabTo(page, "document.activeElement.id === 'actor'");
            press(page, "Kim");
            press(page, Keys.ENTER);
            waitFor(page, By.cssSelector("tr[data-incident='KBD-1']"));

            tabTo(page, "document.activeElement.matches(\"tr[data-incident='KBD-1'] a\")");
            press(page, Keys.ENTER);
            waitFor(page, By.xpath("//h2[starts-with(normalize-space(), 'Incident KBD-1:')]"));
            waiting(page).until(ExpectedConditions.elementToBeClickable(By.cssSelector("button[data-action='ack']")));
            assertThat(js(page, "return document.activeElement.tagName;")).as("the focus on the page opened").isEqualTo("H2");

            tabTo(page, "document.activeElement.matches(\"button[data-action='ack']\")");
            press(page, Keys.SPACE);
            waiting(page).until(ExpectedConditions.textToBe(By.cssSelector("dd[data-field='status']"), "acknowledged"));
            assertThat(http.get("/api/v1/incidents/KBD-1").json().path("status").asText()).isEqualTo("acknowledged");
            assertThat(http.get("/api/v1/incidents/KBD-1/timeline").json().path("events").get(1).path("actor").asText()).isEqualTo("Kim");
            // Acknowledge is greyed out now: the focus went on to the next change, still shown.
            waiting(page).until(d -> js(d, "return document.activeElement.matches(\"button[data-action='mitigate']\");"));
            assertThat(js(page, FOCUS_SHOWN)).as("focus shown on %s", js(page, FOCUSED)).isEqualTo(true);
            assertNoConsoleErrors(browser);
        }
    }

    /**
     * The list is drawn anew at each live event (and the Outbox every 3 s): the focus was on an element that was gone, so
     * it fell back to the page's start and a keyboard user had to Tab from the top again, at every event of an alert
     * storm. It stays on the same incident's link.
     */
    @Test
    void theFocusStaysOnItsIncidentWhenTheListIsDrawnAnew() {
        declare("FOC-1", "Checkout latency above 2 s", "sev2");
        try (HeadlessChromium browser = browser(1280, 860)) {
            WebDriver page = liveList(browser);
            WebElement row = waitFor(page, By.cssSelector("tr[data-incident='FOC-1']"));
            tabTo(page, "document.activeElement.matches(\"tr[data-incident='FOC-1'] a\")");

            declare("FOC-2", "Search index lagging", "sev3");
            waitFor(page, By.cssSelector("tr[data-incident='FOC-2']"));
            waiting(page).until(ExpectedConditions.stalenessOf(row));
            assertFocusOn(page, "tr[data-incident='FOC-1'] a", "after the list was drawn anew");
            assertNoConsoleErrors(browser);
        }
    }

    @Test
    void newEventsAreAnnouncedPolitelyInTheListAndOnAnIncidentsPage() {
        declare("ANN-1", "Queue backlog", "sev2");
        try (HeadlessChromium browser = browser(1280, 860)) {
            WebDriver page = liveList(browser);
            WebElement live = page.findElement(By.id("live-status"));
            assertThat(live.getAttribute("aria-live")).isEqualTo("polite");

            declare("ANN-2", "Payment errors", "sev1");
            waiting(page).until(ExpectedConditions.textToBePresentInElement(live, "declare of ANN-2 by api"));
            assertThat(live.getText()).matches("Live \\(stream\\): 1 new event at .+ — declare of ANN-2 by api");

            page.findElement(By.linkText("ANN-1")).click();
            waitFor(page, By.cssSelector("ol.timeline li[data-type='declare']"));
            append("ANN-1", obj("type", "note", "actor", "sam", "content", "Draining the queue"));
            waiting(page).until(ExpectedConditions.textToBePresentInElement(live, "note of ANN-1 by sam"));
            waitFor(page, By.cssSelector("ol.timeline li[data-type='note']"));
            assertNoConsoleErrors(browser);
        }
    }

    @Test
    void anAcknowledgeIsAnnouncedPolitelyAndItsRefusalWithTheProblemsDetailAssertively() {
        declare("ANN-3", "Login errors", "sev2");
        declare("ANN-4", "Disk full", "sev2");
        try (HeadlessChromium browser = browser(1280, 860)) {
            WebDriver page = signIn(browser, "/#/incidents/ANN-3", "Pat", fixture.adminKey());
            waiting(page).until(ExpectedConditions.elementToBeClickable(By.cssSelector("button[data-action='ack']"))).click();
            WebElement announcement = page.findElement(By.id("announcement"));
            // Its text, as a screen reader reads it (the region is not shown on screen, so not getText()).
            waiting(page).until(d -> "Acknowledged ANN-3.".equals(announcement.getAttribute("textContent")));
            assertThat(announcement.getAttribute("aria-live")).isEqualTo("polite");
            assertThat(page.findElement(By.id("problem")).isDisplayed()).as("an error shown").isFalse();
        }
        try (HeadlessChromium browser = browser(1280, 860)) {
            // Another responder acknowledges a moment before this one's click reaches the gateway: 409.
            WebDriver page = ConsoleBrowserSupport.signIn(browser, fixture.gateway().port(), "/#/incidents/ANN-4", "Pat",
                    fixture.adminKey(), SOMEONE_ELSE_FIRST);
            waiting(page).until(ExpectedConditions.elementToBeClickable(By.cssSelector("button[data-action='ack']"))).click();
            WebElement alert = waitFor(page, By.id("problem"));
            HttpApi.Response refused = http.postJson("/api/v1/incidents/ANN-4/events", obj("type", "ack", "actor", "Pat"));
            assertThat(refused.status()).isEqualTo(409);
            String detail = refused.json().path("detail").asText();
            assertThat(detail).isNotBlank();
            waiting(page).until(ExpectedConditions.textToBePresentInElement(alert, detail));
            assertThat(alert.getText()).startsWith(refused.json().path("title").asText());
            assertThat(alert.getAttribute("role")).as("an alert: assertive").isEqualTo("alert");
            assertThat(page.findElement(By.id("announcement")).getAttribute("textContent")).as("nothing said politely")
                    .doesNotContain("Acknowledged");
        }
    }

    /** The incident list, signed in, once its live feed is open (events from now on come through it). */
    private WebDriver liveList(HeadlessChromium browser) {
        WebDriver page = signIn(browser, "/", "Pat", fixture.adminKey());
        waiting(page).until(ExpectedConditions.textToBePresentInElementLocated(By.id("live-status"), "Live (stream)"));
        return page;
    }

    private void append(String id, Object event) {
        HttpApi.Response r = http.postJson("/api/v1/incidents/" + id + "/events", event);
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
    }
}
