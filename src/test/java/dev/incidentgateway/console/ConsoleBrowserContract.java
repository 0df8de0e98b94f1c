package dev.incidentgateway.console;

import com.fasterxml.jackson.databind.JsonNode;
import dev.incidentgateway.connectors.servicenow.FakeServiceNow;
import dev.incidentgateway.testsupport.HeadlessChromium;
import dev.incidentgateway.testsupport.HttpApi;
import dev.incidentgateway.testsupport.TestStore;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.incidentgateway.console.ConsoleBrowserSupport.WAIT;
import static dev.incidentgateway.console.ConsoleBrowserSupport.assertNoConsoleErrors;
import static dev.incidentgateway.console.ConsoleBrowserSupport.assertNoHorizontalScroll;
import static dev.incidentgateway.console.ConsoleBrowserSupport.errors;
import static dev.incidentgateway.console.ConsoleBrowserSupport.waitFor;
import static dev.incidentgateway.console.ConsoleBrowserSupport.waiting;
import static dev.incidentgateway.testsupport.HttpApi.obj;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The operator console in a real headless Chromium against a running gateway (issue 12): an incident declared
 * through the API appears in the open list without a reload; acknowledging and adding a note from the incident page
 * change the incident; a dead delivery is replayed from the outbox page; errors show the problem's title and
 * detail; the page fits a phone's width. Live updates come through the event stream; actions the incident's status
 * refuses are greyed out; the sources page lists the webhook sources with their counts. The browser's console must stay free of errors. Screenshots go to
 * target/console-screenshots/ (look at them).
 */
abstract class ConsoleBrowserContract extends ConsoleGatewayContract {
    private static final String WEBHOOK_TOKEN = "console-webhook-token-" + java.util.UUID.randomUUID();

    private FakeServiceNow serviceNow;

    @Override
    Map<String, String> gatewayEnv() {
        serviceNow = new FakeServiceNow();
        Map<String, String> env = new HashMap<>(serviceNow.env());
        env.put("GATEWAY_OUTBOX_BACKOFF_MS", "100");
        env.put("GATEWAY_OUTBOX_POLL_MS", "50");
        env.put("GATEWAY_WEBHOOK_TOKEN", WEBHOOK_TOKEN); // turns the shipped alertmanager source on (sources page)
        // The fake's failNext answers any endpoint: a ServiceNow poll could take the failure a test injects for a delivery
        // (as it did in OutboxDeadReplayH2IT, see VendorGatewayContract). Nothing here needs the poller.
        env.put("SERVICENOW_POLL_INTERVAL", "0");
        return env;
    }

    @Override
    void stopFakes() {
        if (serviceNow != null) {
            serviceNow.close();
        }
    }

    @Test
    void aDeclaredIncidentAppearsLiveAndIsAcknowledgedAndNotedFromThePage() {
        String id = "WEB-" + kind().ordinal() + "1";
        try (HeadlessChromium browser = browser(1280, 860)) {
            WebDriver page = signIn(browser, "/", "Pat Operator");
            waitFor(page, By.xpath("//h2[normalize-space()='Incidents']"));
            ((JavascriptExecutor) page).executeScript("window.notReloaded = true;");
            waiting(page).until(ExpectedConditions.textToBePresentInElementLocated(By.id("live-status"), "Live (stream)"));

            declare(id, "Checkout latency above 2 s");
            WebElement row = waitFor(page, By.cssSelector("tr[data-incident='" + id + "']"));
            assertThat(row.getText()).contains("declared", "sev2");
            assertThat(((JavascriptExecutor) page).executeScript("return window.notReloaded === true;"))
                    .as("the row came without a reload").isEqualTo(true);
            // ... through the event stream (features.json says the gateway has it), not by polling the feed
            assertThat(page.findElement(By.id("live-status")).getText()).startsWith("Live (stream)");
            assertThat(streamSubscribers()).as("open streams while the page is open").isGreaterThan(0);
            assertThat(((JavascriptExecutor) page).executeScript(
                    "return performance.getEntriesByType('resource').filter(e => e.name.includes('/api/v1/events')).length;"))
                    .as("no polling of /api/v1/events").isEqualTo(0L);
            browser.screenshot(kind().name().toLowerCase() + "-incidents-laptop");

            row.findElement(By.linkText(id)).click();
            waitFor(page, By.cssSelector("button[data-action='ack']")).click();
            waiting(page).until(ExpectedConditions.textToBe(By.cssSelector("dd[data-field='status']"), "acknowledged"));
            JsonNode incident = http.get("/api/v1/incidents/" + id).json();
            assertThat(incident.path("status").asText()).isEqualTo("acknowledged");
            // What the state machine refuses for an acknowledged incident is greyed out; the rest stays on.
            waiting(page).until(ExpectedConditions.not(
                    ExpectedConditions.elementToBeClickable(By.cssSelector("button[data-action='ack']"))));
            assertThat(page.findElement(By.cssSelector("button[data-action='close']")).isEnabled()).isFalse();
            assertThat(page.findElement(By.cssSelector("button[data-action='mitigate']")).isEnabled()).isTrue();
            assertThat(page.findElement(By.cssSelector("button[data-action='resolve']")).isEnabled()).isTrue();

            // Keyboard only: type the note, Tab to the button, Enter.
            WebElement note = page.findElement(By.id("note-text"));
            note.click();
            note.sendKeys("Rolled back build 4711");
            note.sendKeys(Keys.TAB);
            page.switchTo().activeElement().sendKeys(Keys.ENTER);
            WebElement noted = waitFor(page, By.cssSelector("ol.timeline li[data-type='note']"));
            assertThat(noted.getText()).contains("Rolled back build 4711", "Pat Operator");
            JsonNode timeline = http.get("/api/v1/incidents/" + id + "/timeline").json().path("events");
            assertThat(timeline.findValuesAsText("type")).containsExactly("declare", "ack", "note");
            assertThat(timeline.get(1).path("actor").asText()).isEqualTo("Pat Operator");

            // An event written elsewhere shows on the open incident page without a reload; so does, with it, the
            // ServiceNow record the declare made (stored once the ServiceNow delivery was recorded).
            await().atMost(WAIT).until(() -> http.get("/api/v1/incidents/" + id).json().path("externalRefs").size() == 1);
            http.postJson("/api/v1/incidents/" + id + "/events", obj("type", "mitigate", "actor", "elsewhere"));
            waiting(page).until(ExpectedConditions.textToBe(By.cssSelector("dd[data-field='status']"), "mitigated"));
            // Looked up again at each try: the live page may render the list anew meanwhile (a stale element failed CI once).
            By ticket = By.cssSelector("dd[data-field='external-refs'] li[data-connector='servicenow'] a");
            JsonNode record = serviceNow.record(id);
            waiting(page).ignoring(org.openqa.selenium.StaleElementReferenceException.class).until(ExpectedConditions.and(
                    ExpectedConditions.textToBe(ticket, "servicenow: " + record.path("number").asText()),
                    ExpectedConditions.attributeToBe(ticket, "href",
                            serviceNow.baseUrl() + "/nav_to.do?uri=incident.do?sys_id=" + record.path("sys_id").asText())));
            waiting(page).until(ExpectedConditions.not(
                    ExpectedConditions.elementToBeClickable(By.cssSelector("button[data-action='mitigate']"))));
            browser.screenshot(kind().name().toLowerCase() + "-incident-laptop");
            page.findElement(By.linkText("Sources")).click();
            waitFor(page, By.cssSelector("tr[data-source='alertmanager']"));
            browser.screenshot(kind().name().toLowerCase() + "-sources-laptop");
            assertNoConsoleErrors(browser);
        }
    }

    @Test
    void aDeadDeliveryIsReplayedFromTheOutboxPage() {
        String id = "DLQ-" + kind().ordinal() + "1";
        declare(id, "Payment provider refuses calls");
        await().atMost(WAIT).until(() -> serviceNow.receivedFor(id).contains("declare"));
        serviceNow.failNext(1, 400, Map.of(), "{\"error\":{\"message\":\"Invalid state\",\"detail\":\"Data policy\"},\"status\":\"failure\"}");
        http.postJson("/api/v1/incidents/" + id + "/events", obj("type", "ack", "actor", "a"));
        long deadId = await().atMost(WAIT).until(() -> deadRow(id), rowId -> rowId > 0);

        try (HeadlessChromium browser = browser(1280, 860)) {
            WebDriver page = signIn(browser, "/#/outbox", "Sam Operator");
            WebElement row = waitFor(page, By.cssSelector("tr[data-row='" + deadId + "']"));
            assertThat(row.getText()).contains("dead", "Invalid state");
            browser.screenshot(kind().name().toLowerCase() + "-outbox-dead");
            // The page re-reads the outbox every 3 s: a row found before the screenshot may have been drawn anew since.
            waiting(page).ignoring(StaleElementReferenceException.class).until(d -> {
                d.findElement(By.cssSelector("tr[data-row='" + deadId + "'] button[data-action='replay']")).click();
                return true;
            });

            await().atMost(WAIT).untilAsserted(() -> assertThat(serviceNow.receivedFor(id)).containsExactly("declare", "ack"));
            waiting(page).until(ExpectedConditions.invisibilityOfElementLocated(By.cssSelector("tr[data-row='" + deadId + "']")));
            assertThat(http.get("/api/v1/outbox?connector=servicenow&status=delivered&limit=1000").json().path("items").findValuesAsText("id"))
                    .contains(Long.toString(deadId));
            browser.screenshot(kind().name().toLowerCase() + "-outbox-replayed");
            assertNoConsoleErrors(browser);
        }
    }

    @Test
    void everyDeadDeliveryOfAConnectorIsReplayedWithOneButton() {
        List<String> ids = List.of("DLQ-" + kind().ordinal() + "2", "DLQ-" + kind().ordinal() + "3");
        for (String id : ids) {
            declare(id, "Storm " + id);
            await().atMost(WAIT).until(() -> serviceNow.receivedFor(id).contains("declare"));
            serviceNow.failNext(1, 400, Map.of(), "{\"error\":{\"message\":\"Invalid state\",\"detail\":\"Data policy\"},\"status\":\"failure\"}");
            http.postJson("/api/v1/incidents/" + id + "/events", obj("type", "ack", "actor", "a"));
            await().atMost(WAIT).until(() -> deadRow(id), rowId -> rowId > 0);
        }
        try (HeadlessChromium browser = browser(1280, 860)) {
            WebDriver page = signIn(browser, "/#/outbox", "Sam Operator");
            waitFor(page, By.cssSelector("section[aria-label='Connector servicenow'] button[data-action='replay-all']")).click();
            for (String id : ids) {
                await().atMost(WAIT).untilAsserted(() -> assertThat(serviceNow.receivedFor(id)).containsExactly("declare", "ack"));
            }
            waiting(page).until(ExpectedConditions.invisibilityOfElementLocated(By.cssSelector("button[data-action='replay-all']")));
            assertNoConsoleErrors(browser);
        }
    }

    @Test
    void aRefusedKeyShowsTheProblemsTitleAndDetail() {
        try (HeadlessChromium browser = browser(1280, 860)) {
            WebDriver page = signIn(browser, "/", "Nobody", "igw_not-a-real-key");
            WebElement problem = waiting(page).until(ExpectedConditions.visibilityOfElementLocated(By.id("problem")));
            JsonNode expected = new HttpApi(fixture.gateway().port(), "igw_not-a-real-key").get("/api/v1/incidents").json();
            assertThat(page.findElement(By.id("problem-title")).getText()).isEqualTo(expected.path("title").asText()).isNotBlank();
            assertThat(page.findElement(By.id("problem-detail")).getText()).isEqualTo(expected.path("detail").asText());
            assertThat(problem.getAttribute("role")).isEqualTo("alert");
            // The only errors are the browser's own lines about the refused requests.
            assertThat(errors(browser)).allSatisfy(e -> assertThat(e.getMessage()).contains("401"));
        }
    }

    @Test
    void thePageIsOpenStrictAndServesOnlyItsOwnFiles() {
        HttpApi anonymous = new HttpApi(fixture.gateway().port());
        HttpApi.Response page = anonymous.get("/");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.contentType()).startsWith("text/html");
        assertThat(page.body()).contains("<label for=\"api-key\">API key</label>").doesNotContain("http://", "https://");
        assertThat(page.header("Content-Security-Policy")).hasValueSatisfying(csp -> assertThat(csp).contains("script-src 'self'"));
        assertThat(anonymous.get("/console/console.js").status()).isEqualTo(200);
        HttpApi.Response features = anonymous.get("/console/features.json");
        assertThat(features.json().path("sla").isBoolean()).as(features.toString()).isTrue();
        assertThat(features.json().path("stream").asBoolean()).as("the stream is served on the HTTP edge").isTrue();
        assertThat(features.json().path("oidcIssuer").isNull()).as("no OIDC configured").isTrue();
        assertThat(anonymous.get("/console/..%2Fapplication.yaml").status()).isEqualTo(404);
        assertThat(anonymous.get("/console/logback.xml").status()).isEqualTo(404);
        assertThat(anonymous.get("/api/v1/incidents").status()).as("the API still needs a key").isEqualTo(401);
    }

    @Test
    void fitsAPhonesWidth() {
        String id = "PHONE-" + kind().ordinal() + "1";
        declare(id, "Login page slow on mobile");
        // A dead delivery: on a phone its last error (what the operator decides Replay or Skip on) must stay in sight.
        await().atMost(WAIT).until(() -> serviceNow.receivedFor(id).contains("declare"));
        serviceNow.failNext(1, 400, Map.of(), "{\"error\":{\"message\":\"Invalid state\",\"detail\":\"Data policy\"},\"status\":\"failure\"}");
        http.postJson("/api/v1/incidents/" + id + "/events", obj("type", "ack", "actor", "a"));
        long deadId = await().atMost(WAIT).until(() -> deadRow(id), rowId -> rowId > 0);
        try (HeadlessChromium browser = browser(390, 844)) {
            WebDriver page = signIn(browser, "/", "Pat");
            WebElement listed = waitFor(page, By.cssSelector("tr[data-incident='" + id + "']"));
            // The title, a second line under the id (the Title column is hidden on a phone); every badge within the table.
            WebElement title = listed.findElement(By.cssSelector("[data-field='title']"));
            assertThat(title.isDisplayed()).as("title on a phone").isTrue();
            assertThat(title.getText()).isEqualTo("Login page slow on mobile");
            assertNoHorizontalScroll(page);
            browser.screenshot(kind().name().toLowerCase() + "-incidents-phone");
            page.findElement(By.linkText("Outbox")).click();
            WebElement dead = waitFor(page, By.cssSelector("tr[data-row='" + deadId + "']"));
            WebElement lastError = dead.findElement(By.cssSelector("[data-field='last-error']"));
            assertThat(lastError.isDisplayed()).as("last error on a phone").isTrue();
            assertThat(lastError.getText()).contains("Invalid state");
            assertThat(dead.findElement(By.cssSelector("button[data-action='replay']")).isDisplayed()).isTrue();
            assertNoHorizontalScroll(page);
            browser.screenshot(kind().name().toLowerCase() + "-outbox-phone");
            page.findElement(By.linkText("Incidents")).click();
            waitFor(page, By.linkText(id));
            page.findElement(By.linkText(id)).click();
            WebElement ack = waitFor(page, By.cssSelector("button[data-action='ack']"));
            assertThat(ack.isDisplayed()).isTrue();
            assertNoHorizontalScroll(page);
            browser.screenshot(kind().name().toLowerCase() + "-incident-phone");
            assertThat(http.post("/webhooks/alertmanager", "application/json", "{}", "Authorization", "Bearer wrong").status()).isEqualTo(401);
            page.findElement(By.linkText("Sources")).click();
            WebElement store = waitFor(page, By.cssSelector("[data-check='store']"));
            assertThat(store.getText()).contains("UP");
            WebElement alertmanager = waitFor(page, By.cssSelector("tr[data-source='alertmanager']"));
            assertThat(alertmanager.getText()).contains("/webhooks/alertmanager").doesNotContain(WEBHOOK_TOKEN);
            assertThat(alertmanager.findElement(By.cssSelector("[data-field='refused']")).getText()).isNotEqualTo("0");
            assertThat(page.findElement(By.tagName("main")).getText()).doesNotContain("not listed by the API");
            assertNoHorizontalScroll(page);
            browser.screenshot(kind().name().toLowerCase() + "-sources-phone");
            assertNoConsoleErrors(browser);
        }
    }

    private WebDriver signIn(HeadlessChromium browser, String path, String actor) {
        return signIn(browser, path, actor, fixture.adminKey());
    }

    private void declare(String id, String title) {
        declare(id, title, "sev2");
    }

    /** The gauge gateway.stream.subscribers from /metrics. */
    private double streamSubscribers() {
        return http.get("/metrics").body().lines().filter(l -> l.startsWith("gateway_stream_subscribers "))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.indexOf(' ') + 1).trim())).findFirst().orElse(-1);
    }

    private long deadRow(String id) {
        for (JsonNode row : http.get("/api/v1/outbox?connector=servicenow&status=dead").json().path("items")) {
            if (row.path("incidentId").asText().equals(id)) {
                return row.path("id").asLong();
            }
        }
        return -1;
    }
}
