package dev.incidentgateway.console;

import dev.incidentgateway.testsupport.HeadlessChromium;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.time.Duration;
import java.util.List;
import java.util.logging.Level;

import static org.assertj.core.api.Assertions.assertThat;

/** What the console's browser tests do on every page: sign in, wait for an element, check the layout and the browser's log. */
final class ConsoleBrowserSupport {
    static final Duration WAIT = Duration.ofSeconds(20);
    /**
     * How often a wait looks at the page again. Selenium's default is 500 ms, so each wait for something the page
     * does a moment later lost ~250 ms after it had happened; the console tests wait dozens of times each.
     */
    static final Duration POLL = Duration.ofMillis(100);

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
}
