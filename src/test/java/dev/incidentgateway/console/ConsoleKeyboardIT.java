package dev.incidentgateway.console;

import dev.incidentgateway.testsupport.HeadlessChromium;
import dev.incidentgateway.testsupport.TestStore;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.ExpectedConditions;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.incidentgateway.console.ConsoleBrowserSupport.assertNoConsoleErrors;
import static dev.incidentgateway.console.ConsoleBrowserSupport.js;
import static dev.incidentgateway.console.ConsoleBrowserSupport.waitFor;
import static dev.incidentgateway.console.ConsoleBrowserSupport.waiting;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The responder's main job without a mouse, which axe cannot check: from the console's address, Tab, Enter and Space
 * only (sent to whatever has the focus, as a keyboard would), sign in, move to an incident in the list, open it and
 * acknowledge it; at every stop of the focus on the way, the focused element shows it (an outline or a box-shadow in
 * its computed style, not {@code none}).
 */
class ConsoleKeyboardIT extends ConsoleGatewayContract {
    /** The element with the focus, as "tag#id.class 'text'", for the messages. */
    private static final String FOCUSED = """
            const e = document.activeElement;
            return `${e.tagName.toLowerCase()}${e.id ? '#' + e.id : ''}${e.className ? '.' + e.className : ''} '${(e.textContent || '').trim().slice(0, 40)}'`;""";
    /** Whether the focused element shows its focus: an outline of some width, or a box-shadow. */
    private static final String FOCUS_SHOWN = """
            const style = getComputedStyle(document.activeElement);
            return (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0) || style.boxShadow !== 'none';""";
    /** Tabs to give up after: the page has fewer stops than this before what the test looks for. */
    private static final int MOST_TABS = 40;

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
     * Presses Tab until {@code reached} (a script expression) is true of the focus, checking at each stop that the focus
     * is shown; fails naming the stops when it is not reached within {@link #MOST_TABS}.
     */
    private static void tabTo(WebDriver page, String reached) {
        List<Object> stops = new ArrayList<>();
        while (!Boolean.TRUE.equals(js(page, "return " + reached + ";"))) {
            assertThat(stops).as("Tab stops without reaching %s", reached).hasSizeLessThan(MOST_TABS);
            press(page, Keys.TAB);
            Object focused = js(page, FOCUSED);
            stops.add(focused);
            assertThat(js(page, FOCUS_SHOWN)).as("focus shown on %s (stops so far: %s)", focused, stops).isEqualTo(true);
        }
    }

    /** Keys typed to whatever has the focus, as on a keyboard. */
    private static void press(WebDriver page, CharSequence keys) {
        new Actions(page).sendKeys(keys).perform();
    }
}
