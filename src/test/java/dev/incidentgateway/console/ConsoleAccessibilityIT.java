package dev.incidentgateway.console;

import com.fasterxml.jackson.databind.JsonNode;
import dev.incidentgateway.connectors.servicenow.FakeServiceNow;
import dev.incidentgateway.security.Scope;
import dev.incidentgateway.testsupport.HeadlessChromium;
import dev.incidentgateway.testsupport.HttpApi;
import dev.incidentgateway.testsupport.TestApiKeys;
import dev.incidentgateway.testsupport.TestStore;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import static dev.incidentgateway.console.ConsoleBrowserSupport.WAIT;
import static dev.incidentgateway.console.ConsoleBrowserSupport.assertAccessible;
import static dev.incidentgateway.console.ConsoleBrowserSupport.assertFocusOn;
import static dev.incidentgateway.console.ConsoleBrowserSupport.assertNoConsoleErrors;
import static dev.incidentgateway.console.ConsoleBrowserSupport.js;
import static dev.incidentgateway.console.ConsoleBrowserSupport.press;
import static dev.incidentgateway.console.ConsoleBrowserSupport.tabTo;
import static dev.incidentgateway.console.ConsoleBrowserSupport.waitFor;
import static dev.incidentgateway.console.ConsoleBrowserSupport.waiting;
import static dev.incidentgateway.testsupport.HttpApi.obj;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Every view a responder uses, audited by axe-core in the real browser against WCAG 2.0 and 2.1, levels A and AA, and
 * axe's best practices ({@link ConsoleBrowserSupport#assertAccessible}): the sign-in, the incident list with incidents in each status and SLA
 * clocks running and breached, the list after live events, an incident's page (timeline with an alert's links and
 * labels, the actions, a step form open), the Outbox with a dead delivery, the Sources, and a problem shown on the page
 * (a refused key, a refused acknowledge). The data comes through the real API, as a responder would see it.
 */
class ConsoleAccessibilityIT extends ConsoleGatewayContract {
    private static final String WEBHOOK_TOKEN = "a11y-webhook-token-" + java.util.UUID.randomUUID();
    private static final String POLICY = """
            warningThreshold: 80%
            severities:
              sev1: {acknowledge: 1s, resolve: 4h}
              sev2: {acknowledge: 15m, resolve: 24h}
            """;
    private FakeServiceNow serviceNow;
    private Path policy;

    @Override
    TestStore.Kind kind() {
        return TestStore.Kind.H2;
    }

    @Override
    Map<String, String> gatewayEnv() throws Exception {
        serviceNow = new FakeServiceNow();
        policy = Files.createTempFile("a11y-sla", ".yaml");
        Files.writeString(policy, POLICY);
        Map<String, String> env = new HashMap<>(serviceNow.env());
        env.put("GATEWAY_OUTBOX_BACKOFF_MS", "100");
        env.put("GATEWAY_OUTBOX_POLL_MS", "50");
        env.put("SERVICENOW_POLL_INTERVAL", "0"); // the fake's failNext is for a delivery, not a poll
        env.put("GATEWAY_WEBHOOK_TOKEN", WEBHOOK_TOKEN); // the shipped alertmanager source: an alert, the Sources page
        env.put("GATEWAY_SLA_FILE", policy.toString());
        env.put("GATEWAY_SLA_SCAN_INTERVAL_MS", "1000");
        return env;
    }

    @Override
    void stopFakes() {
        if (serviceNow != null) {
            serviceNow.close();
        }
        if (policy != null) {
            policy.toFile().delete();
        }
    }

    @Test
    void theSignInScreen() {
        try (HeadlessChromium browser = browser(1280, 860)) {
            WebDriver page = browser.driver();
            page.get("http://127.0.0.1:" + fixture.gateway().port() + "/");
            waitFor(page, By.id("api-key"));
            waitFor(page, By.xpath("//main/p[contains(., 'Sign in')]"));
            assertAccessible(page, "the sign-in screen");
            assertNoConsoleErrors(browser);
        }
    }

    @Test
    void theIncidentListWithEveryStatusAndSlaClocksAndAfterLiveEvents() {
        declare("LST-1", "Queue backlog", "sev1"); // its 1 s acknowledge goal is breached by the time the page shows
        declare("LST-2", "Slow search", "sev2");
        event("LST-2", "ack");
        declare("LST-3", "Login errors", "sev2");
        event("LST-3", "mitigate");
        declare("LST-4", "Disk full", "sev3");
        event("LST-4", "resolve");
        declare("LST-5", "Certificate expired", "sev4");
        event("LST-5", "resolve");
        event("LST-5", "close");
        for (int width : new int[] {1280, 390}) {
            try (HeadlessChromium browser = browser(width, 860)) {
                WebDriver page = signIn(browser, "/", "Pat", fixture.adminKey());
                waiting(page).until(ExpectedConditions.textMatches(By.cssSelector("tr[data-incident='LST-1'] [data-sla-target]"),
                        java.util.regex.Pattern.compile("breached")));
                waitFor(page, By.cssSelector("tr[data-incident='LST-2'] [data-sla-target]"));
                assertAccessible(page, "the incident list, " + width + " px wide");

                declare("LST-" + (10 + width), "Arrived live", "sev2");
                waiting(page).until(ExpectedConditions.textToBePresentInElementLocated(By.id("live-status"), "new event"));
                waitFor(page, By.cssSelector("tr[data-incident='LST-" + (10 + width) + "']"));
                assertAccessible(page, "the incident list after a live event, " + width + " px wide");
                assertNoConsoleErrors(browser);
            }
        }
    }

    @Test
    void anIncidentsPageWithItsTimelineActionsAndAStepOpen() {
        String alert = """
                {"version":"4","groupKey":"{}:{alertname=\\"A11yDisk\\"}","status":"firing","receiver":"gw",
                 "alerts":[{"status":"firing","labels":{"alertname":"A11yDisk","service":"ledger","severity":"critical"},
                   "annotations":{"summary":"disk 97%","runbook_url":"https://runbooks.example.com/disk-full"},
                   "startsAt":"2026-01-01T00:00:00Z","endsAt":"0001-01-01T00:00:00Z",
                   "generatorURL":"https://prometheus.example.com/graph","fingerprint":"a11y-1"}]}""";
        HttpApi.Response posted = http.post("/webhooks/alertmanager", "application/json", alert, "Authorization", "Bearer " + WEBHOOK_TOKEN);
        assertThat(posted.status()).as(posted.toString()).isBetween(200, 299);
        String id = incidentTitled("A11yDisk: disk 97%");
        event(id, "role_assign", obj("role", "commander", "assignee", "dave"));
        assertThat(http.postJson("/api/v1/incidents/" + id + "/events", obj("type", "note", "actor", "carol",
                "content", "Looking at the ledger hosts\nnode 3 first")).status()).isEqualTo(201);
        try (HeadlessChromium browser = browser(1280, 860)) {
            WebDriver page = signIn(browser, "/#/incidents/" + id, "Pat", fixture.adminKey());
            waitFor(page, By.cssSelector("ol.timeline li[data-type='note']"));
            waitFor(page, By.cssSelector("[data-field='sla-clocks']"));
            assertAccessible(page, "an incident's page");

            waiting(page).until(ExpectedConditions.elementToBeClickable(By.cssSelector("button[data-action='resolve']"))).click();
            waitFor(page, By.id("step-text"));
            assertAccessible(page, "an incident's page with the Resolve step open");
            assertNoConsoleErrors(browser);
        }
    }

    @Test
    void theOutboxWithADeadDelivery() {
        deadDelivery("ADLQ-1");
        try (HeadlessChromium browser = browser(1280, 860)) {
            WebDriver page = signIn(browser, "/#/outbox", "Sam", fixture.adminKey());
            waitFor(page, By.cssSelector("tr[data-row] button[data-action='replay']"));
            assertAccessible(page, "the Outbox with a dead delivery");
            assertNoConsoleErrors(browser);
        }
        // A key without operate: why Replay and Skip are greyed out is on the page, where the keyboard and a screen
        // reader get to (a disabled button takes no focus, so its title was out of their reach).
        String reader = TestApiKeys.create(TestApiKeys.store(fixture.store().config(), fixture.gateway().dataSource()), "a11y-reader",
                Set.of(Scope.READ));
        try (HeadlessChromium browser = browser(1280, 860)) {
            WebDriver page = signIn(browser, "/#/outbox", "Sam", reader);
            waitFor(page, By.cssSelector("tr[data-row] button[data-action='replay']"));
            assertThat(waitFor(page, By.cssSelector("main [data-field='lacking']")).getText())
                    .isEqualTo("This key lacks the operate scope: Replay and Skip are greyed out.");
            assertAccessible(page, "the Outbox for a key without operate");
            assertNoConsoleErrors(browser);
        }
    }

    /**
     * The Outbox is drawn anew at each re-read (every 3 s): the focus stays on the Replay it was on, and once that
     * delivery is replayed (its row gone) it is on the page's heading, not at the start of the page.
     */
    @Test
    void theFocusStaysOnReplayAcrossReReadsAndGoesToTheHeadingOnceReplayed() {
        deadDelivery("ADLQ-2");
        try (HeadlessChromium browser = browser(1280, 860)) {
            WebDriver page = signIn(browser, "/#/outbox", "Sam", fixture.adminKey());
            By deadRow = By.cssSelector("tr[data-row]:has(a[href='#/incidents/ADLQ-2']):has(button[data-action='replay'])");
            WebElement row = waitFor(page, deadRow);
            String replay = "tr[data-row='" + row.getAttribute("data-row") + "'] button[data-action='replay']";
            tabTo(page, "document.activeElement.matches(\"" + replay + "\")");
            waiting(page).until(ExpectedConditions.stalenessOf(row));
            assertFocusOn(page, replay, "after a re-read");

            press(page, Keys.ENTER);
            waiting(page).until(ExpectedConditions.invisibilityOfElementLocated(deadRow));
            assertFocusOn(page, "#view h2", "once its delivery was replayed");
            assertNoConsoleErrors(browser);
        }
    }

    @Test
    void theSources() {
        assertThat(http.post("/webhooks/alertmanager", "application/json", "{}", "Authorization", "Bearer wrong").status()).isEqualTo(401);
        try (HeadlessChromium browser = browser(1280, 860)) {
            WebDriver page = signIn(browser, "/#/sources", "Sam", fixture.adminKey());
            waitFor(page, By.cssSelector("tr[data-source='alertmanager']"));
            waitFor(page, By.cssSelector("[data-check='store']"));
            assertAccessible(page, "the Sources");
            assertNoConsoleErrors(browser);
        }
    }

    @Test
    void aProblemShownOnThePage() {
        try (HeadlessChromium browser = browser(1280, 860)) {
            WebDriver page = signIn(browser, "/", "Nobody", "igw_not-a-real-key");
            waitFor(page, By.id("problem"));
            assertAccessible(page, "a refused key's problem");
        }
        declare("ACK-1", "Acknowledged twice", "sev2");
        try (HeadlessChromium browser = browser(1280, 860)) {
            WebDriver page = ConsoleBrowserSupport.signIn(browser, fixture.gateway().port(), "/#/incidents/ACK-1", "Pat",
                    fixture.adminKey(), ConsoleBrowserSupport.SOMEONE_ELSE_FIRST);
            waiting(page).until(ExpectedConditions.elementToBeClickable(By.cssSelector("button[data-action='ack']"))).click();
            waiting(page).until(ExpectedConditions.textToBePresentInElementLocated(By.id("problem-title"), "Transition refused"));
            assertThat(js(page, "return window.beaten;")).isEqualTo(true);
            assertAccessible(page, "a refused acknowledge's problem on an incident's page");
        }
    }

    /** Declares {@code id} and makes the ServiceNow delivery of its ack dead (the fake refuses it with a 400). */
    private void deadDelivery(String id) {
        declare(id, "Payment provider refuses calls", "sev2");
        await().atMost(WAIT).until(() -> serviceNow.receivedFor(id).contains("declare"));
        serviceNow.failNext(1, 400, Map.of(), "{\"error\":{\"message\":\"Invalid state\",\"detail\":\"Data policy\"},\"status\":\"failure\"}");
        event(id, "ack");
        await().atMost(WAIT).until(() -> http.get("/api/v1/outbox?status=dead").json().path("items").findValuesAsText("incidentId").contains(id));
    }

    private void event(String id, String type) {
        event(id, type, null);
    }

    private void event(String id, String type, Object data) {
        HttpApi.Response r = http.postJson("/api/v1/incidents/" + id + "/events",
                data == null ? obj("type", type, "actor", "api") : obj("type", type, "actor", "api", "data", data));
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
    }

    private String incidentTitled(String title) {
        for (JsonNode i : http.get("/api/v1/incidents?limit=1000").json().path("incidents")) {
            if (i.path("title").asText().equals(title)) {
                return i.path("id").asText();
            }
        }
        throw new AssertionError("no incident titled " + title);
    }
}
