package dev.incidentgateway.testsupport;

import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.logging.Level;

/**
 * Debian's {@code chromium} driven by its {@code chromedriver} through Selenium, headless, for the console tests.
 * Both binaries are named explicitly so Selenium Manager never runs (it would try to download a browser, which
 * cannot work here). {@code .ci/run} installs them; a developer without them sees the tests skipped, CI fails.
 */
public final class HeadlessChromium implements AutoCloseable {
    private static final File BROWSER = new File(System.getenv().getOrDefault("GATEWAY_TEST_CHROMIUM", "/usr/bin/chromium"));
    private static final File DRIVER = new File(System.getenv().getOrDefault("GATEWAY_TEST_CHROMEDRIVER", "/usr/bin/chromedriver"));
    /** Where the tests' screenshots go (look at them). */
    public static final Path SCREENSHOTS = Path.of("target", "console-screenshots");

    private final ChromeDriver driver;
    /** A view of a browser lent to one test ({@link #nextTest}): its {@link #close} leaves the browser running. */
    private final boolean lent;

    private HeadlessChromium(ChromeDriver driver, boolean lent) {
        this.driver = driver;
        this.lent = lent;
    }

    public static boolean available() {
        return BROWSER.canExecute() && DRIVER.canExecute();
    }

    /** Skips the calling test when the browser is missing here; fails it in CI, where .ci/run installs it. */
    public static void assumeAvailable() {
        if (available()) {
            return;
        }
        String why = "chromium and chromium-driver are needed for the console tests (" + BROWSER + ", " + DRIVER + ")";
        if ("true".equals(System.getenv("CI"))) {
            throw new AssertionError(why + ": .ci/run installs them");
        }
        Assumptions.assumeTrue(false, why + "; console tests skipped: apt-get install chromium chromium-driver");
    }

    /** A new headless browser window of {@code width}×{@code height} CSS pixels, collecting the console's log. */
    public static HeadlessChromium start(int width, int height) {
        assumeAvailable();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(BROWSER);
        // --no-sandbox: tests run as root on these machines, where Chromium's sandbox refuses to start.
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=" + width + "," + height, "--no-first-run", "--disable-extensions");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER).usingAnyFreePort().build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().window().setSize(new Dimension(width, height));
        return new HeadlessChromium(driver, false);
    }

    /**
     * This browser for the next test of a class, as a browser started for it would be: one new tab (the console keeps
     * the key in sessionStorage, which belongs to a tab; it uses no cookies or localStorage, and cookies are deleted
     * anyway), the earlier tabs closed with their pages and streams, what they logged read away, the window
     * {@code width}×{@code height}. Closing what this returns leaves the browser running; its owner closes this one.
     * Starting Chromium for every test cost seconds of each console test on CI's 2 cores (ConsoleBrowserH2IT 100 s -> 45 s
     * with this and 100 ms waits, both on one heavily loaded machine).
     */
    public HeadlessChromium nextTest(int width, int height) {
        if (lent) {
            throw new IllegalStateException("lend the browser itself, not a test's view of it");
        }
        List<String> earlier = List.copyOf(driver.getWindowHandles());
        driver.switchTo().newWindow(WindowType.TAB);
        String tab = driver.getWindowHandle();
        for (String handle : earlier) {
            driver.switchTo().window(handle).close();
        }
        driver.switchTo().window(tab);
        driver.manage().deleteAllCookies();
        consoleLog(); // what the closed tabs logged: each test looks at its own page's log only
        driver.manage().window().setSize(new Dimension(width, height));
        return new HeadlessChromium(driver, true);
    }

    public ChromeDriver driver() {
        return driver;
    }

    /** The browser console's entries since the last call (errors, warnings, logs). */
    public List<LogEntry> consoleLog() {
        return driver.manage().logs().get(LogType.BROWSER).getAll();
    }

    /** Saves the window as {@code target/console-screenshots/<name>.png} and returns the path. */
    public Path screenshot(String name) {
        try {
            Files.createDirectories(SCREENSHOTS);
            Path file = SCREENSHOTS.resolve(name + ".png");
            Files.write(file, ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        if (!lent) {
            driver.quit();
        }
    }
}
