package dev.incidentgateway.console;

import com.deque.html.axecore.results.Results;
import com.deque.html.axecore.results.Rule;
import com.deque.html.axecore.selenium.AxeBuilder;
import dev.incidentgateway.testsupport.HeadlessChromium;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the console's browser tests do on every page: sign in, wait for an element, check the layout, the browser's log
 * and the page's accessibility (axe).
 */
final class ConsoleBrowserSupport {
    static final Duration WAIT = Duration.ofSeconds(20);
    /**
     * How often a wait looks at the page again. Selenium's default is 500 ms, so each wait for something the page
     * does a moment later lost ~250 ms after it had happened; the console tests wait dozens of times each.
     */
    static final Duration POLL = Duration.ofMillis(100);

    /**
     * The axe-core rules the console is held to: those of the WCAG 2.0 and 2.1 success criteria of levels A and AA, and
     * axe's best practices, which check what WCAG leaves to judgement and the console does anyway: one main landmark,
     * content inside landmarks, headings in order, a visible label on every field (a placeholder is not one).
     */
    static final List<String> AXE_RULES = List.of("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice");

    /**
     * The page's next POST of an event goes to the gateway twice, the first copy unseen: as when another responder
     * acknowledged a moment before, the page's own request is refused by the gateway's state machine (409).
     */
    static final String SOMEONE_ELSE_FIRST = """
            const fetchFromGateway = window.fetch;
            window.fetch = async (url, options) => {
              if (options && options.method === 'POST' && String(url).endsWith('/events') && !window.beaten) {
                window.beaten = true;
                await fetchFromGateway(url, options);
              }
              return fetchFromGateway(url, options);
            };""";

    /** The element with the focus, as "tag#id.class 'text'", for the messages. */
    static final String FOCUSED = """
            const e = document.activeElement;
            return `${e.tagName.toLowerCase()}${e.id ? '#' + e.id : ''}${e.className ? '.' + e.className : ''} '${(e.textContent || '').replace(/\\s+/g, ' ').trim().slice(0, 40)}'`;""";
    /** Whether the focused element shows its focus: an outline of some width, or a box-shadow. */
    static final String FOCUS_SHOWN = """
            const style = getComputedStyle(document.activeElement);
            return (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0) || style.boxShadow !== 'none';""";
    /** Tabs to give up after: the page has fewer stops than this before what the test looks for. */
    private static final int MOST_TABS = 40;

    private ConsoleBrowserSupport() {
    }

    /** Opens {@code path} of the gateway on {@code port} and uses {@code key} with the display name {@code actor}. */
    static WebDriver signIn(HeadlessChromium browser, int port, String path, String actor, String key) {
        return signIn(browser, port, path, actor, key, null);
    }

    /** As {@link #signIn}, running {@code script} in the page first (to watch what it does once signed in), if not null. */
    static WebDriver signIn(HeadlessChromium browser, int port, String path, String actor, String key, String script) {
        WebDriver page = browser.driver();
        page.get("http://127.0.0.1:" + port + path);
        waitFor(page, By.id("api-key")).sendKeys(key);
        page.findElement(By.id("actor")).sendKeys(actor);
        if (script != null) {
            js(page, script);
        }
        page.findElement(By.cssSelector("#key-form button[type='submit']")).click();
        return page;
    }

    static WebElement waitFor(WebDriver page, By what) {
        return waiting(page).until(ExpectedConditions.visibilityOfElementLocated(what));
    }

    /** A wait of up to {@link #WAIT} that looks every {@link #POLL}. */
    static WebDriverWait waiting(WebDriver page) {
        return waiting(page, WAIT);
    }

    /** A wait of up to {@code timeout} that looks every {@link #POLL}. */
    static WebDriverWait waiting(WebDriver page, Duration timeout) {
        return new WebDriverWait(page, timeout, POLL);
    }

    static Object js(WebDriver page, String script) {
        return ((JavascriptExecutor) page).executeScript(script);
    }

    static void assertNoHorizontalScroll(WebDriver page) {
        Object overflow = js(page, "return document.documentElement.scrollWidth - document.documentElement.clientWidth;");
        assertThat(((Number) overflow).intValue()).as("page wider than the window").isLessThanOrEqualTo(0);
        // A table scrolls inside its own box: what is cut off there is as hidden as beyond the window's edge.
        Object tables = js(page, "return [...document.querySelectorAll('.table-wrap')]"
                + ".filter(w => w.scrollWidth > w.clientWidth).map(w => w.getAttribute('aria-label'));");
        assertThat((List<?>) tables).as("tables scrolling sideways").isEmpty();
    }

    static List<LogEntry> errors(HeadlessChromium browser) {
        return browser.consoleLog().stream().filter(e -> e.getLevel().intValue() >= Level.WARNING.intValue()).toList();
    }

    static void assertNoConsoleErrors(HeadlessChromium browser) {
        assertThat(errors(browser)).as("browser console errors and warnings").isEmpty();
    }

    /**
     * Runs Deque's axe-core (the AxeBuilder injects its bundled axe.min.js) on the page as it is now, with the
     * {@link #AXE_RULES}, and fails naming each violation's rule, impact, help, elements and why, so a failure says
     * what to fix.
     */
    static void assertAccessible(WebDriver page, String view) {
        Results results = new AxeBuilder().withTags(AXE_RULES).analyze(page);
        assertThat(results.isErrored()).as("axe ran on %s: %s", view, results.getErrorMessage()).isFalse();
        assertThat(results.getViolations()).withFailMessage("axe found on %s:%n%s", view, describe(results.getViolations())).isEmpty();
    }

    private static String describe(List<Rule> violations) {
        return violations.stream().map(r -> "- %s (%s): %s%n    %s%n    at %s".formatted(r.getId(), r.getImpact(), r.getHelp(),
                        r.getHelpUrl(), r.getNodes().stream().map(n -> n.getTarget() + " " + String.valueOf(n.getFailureSummary()).replace('\n', ' '))
                                .collect(Collectors.joining("\n    at "))))
                .collect(Collectors.joining("\n"));
    }

    /**
     * Presses Tab until {@code reached} (a script expression) is true of the focus, checking at each stop that the focus
     * is shown; fails naming the stops when it is not reached within {@link #MOST_TABS}.
     */
    static void tabTo(WebDriver page, String reached) {
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
    static void press(WebDriver page, CharSequence keys) {
        new Actions(page).sendKeys(keys).perform();
    }

    /** Fails unless the focus is on the element {@code css} selects, naming where it is instead. */
    static void assertFocusOn(WebDriver page, String css, String when) {
        assertThat(js(page, "return document.activeElement.matches(\"" + css + "\");"))
                .as("focus on %s %s, not on %s", css, when, js(page, FOCUSED)).isEqualTo(true);
    }
}
