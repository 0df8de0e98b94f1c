package dev.incidentgateway.console;

import com.fasterxml.jackson.databind.JsonNode;
import dev.incidentgateway.security.Scope;
import dev.incidentgateway.testsupport.HeadlessChromium;
import dev.incidentgateway.testsupport.HttpApi;
import dev.incidentgateway.testsupport.TestApiKeys;
import dev.incidentgateway.testsupport.TestStore;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.incidentgateway.console.ConsoleBrowserSupport.WAIT;
import static dev.incidentgateway.console.ConsoleBrowserSupport.assertNoConsoleErrors;
import static dev.incidentgateway.console.ConsoleBrowserSupport.js;
import static dev.incidentgateway.console.ConsoleBrowserSupport.waitFor;
import static dev.incidentgateway.console.ConsoleBrowserSupport.waiting;
import static dev.incidentgateway.testsupport.HttpApi.obj;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The incident page in a real headless Chromium, as a responder uses it at 3 a.m.: the timeline says what each event
 * changed (role and assignee, target status and reason, severity), who did it (the principal beside the actor), keeps a
 * note's line breaks and shows an alert's links (only http(s) ones clickable) and labels; the page shows the
 * incident's SLA clocks with their due times and labels its times with their time zone, the declared time the same as
 * the declare's on the timeline; Close asks first, Mitigate and Resolve take a summary, a resolved incident can be
 * reopened with a reason and a role assigned; a read-only key sees every change greyed out.
 */
abstract class ConsoleIncidentPageContract extends ConsoleGatewayContract {
    private static final String WEBHOOK_TOKEN = "console-page-webhook-" + java.util.UUID.randomUUID();
    /** A time zone's name ends the shown time: "UTC", "GMT+1", "CET", "PST". */
    private static final String ZONED = ".*\\d{2}:\\d{2}:\\d{2}( [AP]M)? (UTC|GMT([+-]\\d{1,2}(:\\d{2})?)?|[A-Z]{2,5})$";

    @Override
    Map<String, String> gatewayEnv() {
        return Map.of("GATEWAY_WEBHOOK_TOKEN", WEBHOOK_TOKEN); // the shipped alertmanager source, for an alert's incident
    }

    @Test
    void theTimelineSaysWhatEachEventChangedAndWhoDidIt() {
        String id = "TL-" + kind().ordinal() + "1";
        declare(id, "sev2");
        append(id, obj("type", "role_assign", "actor", "carol", "data", obj("role", "commander", "assignee", "dave")));
        append(id, obj("type", "state_change", "actor", "carol", "data", obj("to", "acknowledged", "reason", "paged twice", "severity", "sev1")));
        append(id, obj("type", "note", "actor", "carol", "content", "line one\nline two <img src=x onerror=window.pwned=1>"));
        append(id, obj("type", "resolve", "actor", "carol"));
        append(id, obj("type", "state_change", "actor", "carol", "data", obj("to", "acknowledged", "reason", "flapping")));
        String principal = http.get("/api/v1/incidents/" + id + "/timeline").json().path("events").get(1).path("principal").asText();
        assertThat(principal).startsWith("key:");
        try (HeadlessChromium browser = browser(1280, 860)) {
            WebDriver page = open(browser, id, fixture.adminKey());
            WebElement role = waitFor(page, By.cssSelector("ol.timeline li[data-type='role_assign']"));
            assertThat(role.getText()).contains("role_assign by carol (" + principal + "): commander → dave");
            List<WebElement> changes = page.findElements(By.cssSelector("ol.timeline li[data-type='state_change'] [data-field='change']"));
            assertThat(changes).extracting(WebElement::getText)
                    .containsExactly(": → acknowledged: paged twice; severity → sev1", ": → acknowledged: flapping");
            WebElement note = page.findElement(By.cssSelector("ol.timeline li[data-type='note'] [data-field='content']"));
            assertThat(note.getText()).isEqualTo("line one\nline two <img src=x onerror=window.pwned=1>");
            assertThat(page.findElements(By.cssSelector("ol.timeline img"))).as("user text is never HTML").isEmpty();
            assertThat(js(page, "return window.pwned === undefined;")).isEqualTo(true);
            assertThat(page.findElement(By.cssSelector("dd[data-field='commander']")).getText()).isEqualTo("dave");
            browser.screenshot(kind().name().toLowerCase() + "-timeline-changes");
            assertNoConsoleErrors(browser);
        }
    }

    @Test
    void anAlertsLinksAndLabelsShowAndItsTimesAgree() {
        String startsAt = Instant.now().minus(3, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS).toString();
        String alert = """
                {"version":"4","groupKey":"{}:{alertname=\\"DiskFull\\"}","status":"firing","receiver":"gw",
                 "alerts":[{"status":"firing","labels":{"alertname":"DiskFull","service":"ledger","severity":"warning"},
                   "annotations":{"summary":"disk 95%%","runbook_url":"https://runbooks.example.com/disk-full"},
                   "startsAt":"%s","endsAt":"0001-01-01T00:00:00Z","generatorURL":"javascript:alert(1)",
                   "fingerprint":"console-%s"}]}""".formatted(startsAt, kind().name());
        HttpApi.Response posted = http.post("/webhooks/alertmanager", "application/json", alert, "Authorization", "Bearer " + WEBHOOK_TOKEN);
        assertThat(posted.status()).as(posted.toString()).isBetween(200, 299);
        String id = null;
        for (JsonNode i : http.get("/api/v1/incidents?limit=1000").json().path("incidents")) {
            if (i.path("title").asText().equals("DiskFull: disk 95%")) {
                id = i.path("id").asText();
            }
        }
        assertThat(id).as("the alert's incident").isNotNull();
        try (HeadlessChromium browser = browser(1280, 860)) {
            WebDriver page = open(browser, id, fixture.adminKey());
            WebElement declare = waitFor(page, By.cssSelector("ol.timeline li[data-type='declare']"));
            assertThat(declare.findElement(By.cssSelector("[data-field='principal']")).getText()).isEqualTo("(webhook:alertmanager)");
            WebElement runbook = declare.findElement(By.cssSelector("[data-link='runbook'] a"));
            assertThat(runbook.getAttribute("href")).isEqualTo("https://runbooks.example.com/disk-full");
            assertThat(runbook.getAttribute("rel")).contains("noopener");
            WebElement source = declare.findElement(By.cssSelector("[data-link='source']"));
            assertThat(source.findElements(By.tagName("a"))).as("a javascript: URL is never a link").isEmpty();
            assertThat(source.getText()).isEqualTo("Source: javascript:alert(1)");
            assertThat(declare.findElements(By.cssSelector(".alert-labels li"))).extracting(WebElement::getText)
                    .contains("service=ledger", "alertname=DiskFull");
            // Declared is the alert's own time (startsAt), on the page and on the timeline alike, with its zone; the time
            // the gateway recorded it (hours later) is shown beside it on both.
            WebElement declared = page.findElement(By.cssSelector("dd[data-field='declared']"));
            List<WebElement> declaredTimes = declared.findElements(By.tagName("time"));
            List<WebElement> lineTimes = declare.findElements(By.cssSelector(".tl-time time"));
            assertThat(declaredTimes.get(0).getAttribute("datetime")).isEqualTo(startsAt);
            assertThat(lineTimes.get(0).getAttribute("datetime")).isEqualTo(startsAt);
            assertThat(lineTimes.get(0).getText()).isEqualTo(declaredTimes.get(0).getText()).matches(ZONED);
            assertThat(declared.getText()).contains("(recorded ");
            assertThat(lineTimes).hasSize(2);
            assertThat(lineTimes.get(1).getText()).isEqualTo(declaredTimes.get(1).getText()).matches(ZONED);
            assertThat(page.findElement(By.xpath("//dt[normalize-space()='Declared (event time)']")).isDisplayed()).isTrue();
            browser.screenshot(kind().name().toLowerCase() + "-timeline-alert");
            assertNoConsoleErrors(browser);
        }
    }

    /**
     * Security review: a note written with a write key, with data.kind sla_breach, showed as "SLA breach: …", and REST
     * data.annotations.runbook_url and labels as an alert's Runbook link and labels. Only the SLA tracker's principal
     * (system:sla) gets the SLA summary and only a webhook source or poller the alert's links and labels: a caller's
     * look-alike data shows as plain data.
     */
    @Test
    void officialLookingDataFromACallerShowsAsPlainData() {
        String id = "SP-" + kind().ordinal() + "1";
        declare(id, "sev3");
        append(id, obj("type", "note", "actor", "mallory", "content", "all fine",
                "data", obj("kind", "sla_breach", "target", "acknowledge")));
        append(id, obj("type", "note", "actor", "mallory", "content", "see runbook",
                "data", obj("annotations", obj("runbook_url", "https://evil.example/runbook"), "labels", obj("severity", "critical"))));
        try (HeadlessChromium browser = browser(1280, 860)) {
            WebDriver page = open(browser, id, fixture.adminKey());
            List<WebElement> notes = waiting(page).until(
                    ExpectedConditions.numberOfElementsToBe(By.cssSelector("ol.timeline li[data-type='note']"), 2));
            assertThat(page.findElement(By.cssSelector("ol.timeline")).getText()).doesNotContain("SLA breach");
            assertThat(page.findElements(By.cssSelector("ol.timeline [data-field='change']"))).as("no SLA summary").isEmpty();
            assertThat(page.findElements(By.cssSelector("ol.timeline .tl-alert, ol.timeline [data-link], ol.timeline a")))
                    .as("no alert links or labels").isEmpty();
            assertThat(notes).extracting(n -> n.findElement(By.cssSelector("[data-field='data']")).getText()).containsExactlyInAnyOrder(
                    "data: {\"kind\":\"sla_breach\",\"target\":\"acknowledge\"}",
                    "data: {\"annotations\":{\"runbook_url\":\"https://evil.example/runbook\"},\"labels\":{\"severity\":\"critical\"}}");
            assertNoConsoleErrors(browser);
        }
    }

    @Test
    void theIncidentPageShowsItsSlaClocksWithTheirDueTimes() {
        String id = "SLA-" + kind().ordinal() + "1";
        declare(id, "sev2");
        JsonNode targets = http.get("/api/v1/incidents/" + id + "/sla").json().path("targets");
        assertThat(targets.size()).as("the shipped policy has clocks for sev2").isPositive();
        try (HeadlessChromium browser = browser(1280, 860)) {
            WebDriver page = open(browser, id, fixture.adminKey());
            waitFor(page, By.cssSelector("[data-field='sla-clocks']"));
            for (JsonNode t : targets) {
                WebElement clock = page.findElement(By.cssSelector("[data-sla-clock='" + t.path("target").asText() + "']"));
                assertThat(clock.getText()).contains(t.path("state").asText(), t.path("target").asText() + " — due ");
                WebElement due = clock.findElement(By.tagName("time"));
                assertThat(due.getAttribute("datetime")).isEqualTo(t.path("dueAt").asText());
                assertThat(due.getText()).matches(ZONED);
            }
            assertThat(page.findElement(By.cssSelector("[data-sla-clock='acknowledge']")).getText()).endsWith("min left)");
            assertNoConsoleErrors(browser);
        }
    }

    @Test
    void closeAsksFirstResolveTakesASummaryAndAResolvedIncidentReopens() {
        String id = "ACT-" + kind().ordinal() + "1";
        declare(id, "sev3");
        try (HeadlessChromium browser = browser(1280, 860)) {
            WebDriver page = open(browser, id, fixture.adminKey());
            click(page, "button[data-action='mitigate']");
            waitFor(page, By.id("step-text")).sendKeys("Drained node 3\nTraffic on the standby");
            click(page, "button[data-confirm='mitigate']");
            awaitStatus(page, "mitigated");
            click(page, "button[data-action='resolve']");
            click(page, "button[data-confirm='resolve']"); // the summary is optional
            awaitStatus(page, "resolved");
            click(page, "button[data-action='reopen']");
            waitFor(page, By.id("step-text")).sendKeys("flapping");
            click(page, "button[data-confirm='reopen']");
            awaitStatus(page, "acknowledged");
            waitFor(page, By.xpath("//ol[@class='timeline']/li[@data-type='state_change'][contains(., '→ acknowledged: flapping')]"));
            click(page, "button[data-action='resolve']");
            click(page, "button[data-confirm='resolve']");
            awaitStatus(page, "resolved");

            click(page, "button[data-action='close']");
            WebElement question = waitFor(page, By.cssSelector(".action-step .step-question"));
            assertThat(question.getText()).contains("Closed is final");
            assertThat(page.findElement(By.cssSelector(".action-step")).getText())
                    .isEqualTo(question.getText() + "\nYes, close it\nCancel");
            browser.screenshot(kind().name().toLowerCase() + "-close-confirm");
            click(page, "button[data-cancel]");
            assertThat(http.get("/api/v1/incidents/" + id).json().path("status").asText()).as("Cancel closes nothing").isEqualTo("resolved");
            click(page, "button[data-action='close']");
            click(page, "button[data-confirm='close']");
            awaitStatus(page, "closed");

            page.findElement(By.id("role-name")).sendKeys("commander");
            page.findElement(By.id("role-assignee")).sendKeys("erin");
            click(page, "button[data-action='assign-role']");
            waiting(page).until(ExpectedConditions.textToBe(By.cssSelector("dd[data-field='commander']"), "erin"));

            JsonNode events = http.get("/api/v1/incidents/" + id + "/timeline").json().path("events");
            assertThat(events.findValuesAsText("type"))
                    .containsExactly("declare", "mitigate", "resolve", "state_change", "resolve", "close", "role_assign");
            assertThat(events.get(1).path("content").asText()).isEqualTo("Drained node 3\nTraffic on the standby");
            assertThat(events.get(2).path("content").isNull() || events.get(2).path("content").isMissingNode()).isTrue();
            assertThat(events.get(3).path("data").path("reason").asText()).isEqualTo("flapping");
            assertThat(events.get(6).path("data").path("assignee").asText()).isEqualTo("erin");
            assertNoConsoleErrors(browser);
        }
    }

    @Test
    void aReadOnlyKeySeesEveryChangeGreyedOut() {
        String id = "RO-" + kind().ordinal() + "1";
        declare(id, "sev3");
        String reader = TestApiKeys.create(TestApiKeys.store(fixture.store().config(), fixture.gateway().dataSource()), "console-reader-" + kind().ordinal(),
                Set.of(Scope.READ));
        try (HeadlessChromium browser = browser(1280, 860)) {
            WebDriver page = open(browser, id, reader);
            WebElement help = waitFor(page, By.id("actions-help"));
            waiting(page).until(ExpectedConditions.textToBePresentInElement(help, "no write scope"));
            for (WebElement button : page.findElements(By.cssSelector(".actions button[data-action], .role-form button"))) {
                assertThat(button.isEnabled()).as(button.getText()).isFalse();
            }
            assertThat(page.findElement(By.id("note-text")).isEnabled()).isFalse();
            assertThat(page.findElement(By.cssSelector("[data-field='caller']")).getText())
                    .isEqualTo("· key:console-reader-" + kind().ordinal() + ": read");
            assertNoConsoleErrors(browser);
        }
    }

    private WebDriver open(HeadlessChromium browser, String id, String key) {
        WebDriver page = signIn(browser, "/#/incidents/" + id, "Pat", key);
        waitFor(page, By.xpath("//h2[starts-with(normalize-space(), 'Incident " + id + ":')]"));
        return page;
    }

    private static void click(WebDriver page, String css) {
        waiting(page).until(ExpectedConditions.elementToBeClickable(By.cssSelector(css))).click();
    }

    private static void awaitStatus(WebDriver page, String status) {
        waiting(page).until(ExpectedConditions.textToBe(By.cssSelector("dd[data-field='status']"), status));
    }

    private void declare(String id, String severity) {
        declare(id, "Page test " + id, severity);
    }

    private void append(String id, Object event) {
        HttpApi.Response r = http.postJson("/api/v1/incidents/" + id + "/events", event);
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
    }
}
