package dev.incidentgateway.console;

import dev.incidentgateway.testsupport.GatewayFixture;
import dev.incidentgateway.testsupport.HeadlessChromium;
import dev.incidentgateway.testsupport.TestStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.logging.Level;

import static dev.incidentgateway.testsupport.HttpApi.obj;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The incident list's SLA column appears only on a gateway that has {@code GET /api/v1/incidents/{id}/sla} (another
 * part of issue 12 builds it; here an operator's YAML route stands in with the fields) and shows the next
 * target's state and time remaining. Without the endpoint there is no column (ConsoleBrowserContract).
 */
class ConsoleSlaColumnIT {
    private static final String SLA_STUB = """
            - route:
                id: sla-stub
                from:
                  uri: platform-http:/api/v1/incidents/{id}/sla
                  parameters:
                    httpMethodRestrict: GET
                  steps:
                    - removeHeaders: { pattern: "*" }
                    - setHeader: { name: Content-Type, constant: application/json }
                    - setBody:
                        constant: '{"targets":[{"target":"acknowledge","state":"met","remaining":"PT0S"},{"target":"resolve","state":"at_risk","due":"2030-01-01T00:00:00Z","remaining":"PT12M"}]}'
            """;

    @Test
    void showsTheNextTargetsStateAndRemainingTimeWhenTheGatewayHasSlaClocks(@TempDir Path routes) throws Exception {
        HeadlessChromium.assumeAvailable();
        Files.writeString(routes.resolve("sla-stub.camel.yaml"), SLA_STUB);
        try (GatewayFixture fixture = GatewayFixture.start(TestStore.Kind.H2, Map.of("GATEWAY_ROUTES_DIR", routes.toString()));
             HeadlessChromium browser = HeadlessChromium.start(1280, 860)) {
            assertThat(fixture.http().postJson("/api/v1/incidents", obj("id", "SLA-1", "title", "Queue backlog", "actor", "api",
                    "severity", "sev1")).status()).isEqualTo(201);
            WebDriver page = browser.driver();
            page.get("http://127.0.0.1:" + fixture.gateway().port() + "/");
            page.findElement(By.id("api-key")).sendKeys(fixture.adminKey());
            page.findElement(By.cssSelector("#key-form button[type='submit']")).click();
            WebElement row = new WebDriverWait(page, Duration.ofSeconds(20))
                    .until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("tr[data-incident='SLA-1']")));
            assertThat(page.findElements(By.xpath("//th[normalize-space()='SLA']"))).hasSize(1);
            assertThat(row.getText()).contains("at risk resolve 12 min");
            browser.screenshot("h2-incidents-sla");
            assertThat(browser.consoleLog()).noneMatch(e -> e.getLevel().intValue() >= Level.WARNING.intValue());
        }
    }
}
