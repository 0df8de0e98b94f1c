package dev.incidentgateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.incidentgateway.testsupport.GatewayFixture;
import dev.incidentgateway.testsupport.HttpApi;
import dev.incidentgateway.testsupport.PrometheusScrape;
import dev.incidentgateway.testsupport.TestStore;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static dev.incidentgateway.testsupport.HttpApi.obj;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code docs/grafana-dashboard.json}, the dashboard we ship: importable (a datasource variable, no two panels on one
 * spot), every panel described, and every query naming only metrics, labels and label values a real gateway's
 * {@code /metrics} exposes once it has taken an event (a renamed metric leaves a panel empty without a word).
 */
class GrafanaDashboardIT {
    private static final Path DASHBOARD = Path.of("docs/grafana-dashboard.json");

    private static List<JsonNode> panels() throws Exception {
        List<JsonNode> panels = new ArrayList<>();
        new ObjectMapper().readTree(DASHBOARD.toFile()).path("panels").forEach(p -> {
            if (!"row".equals(p.path("type").asText())) {
                panels.add(p);
            }
        });
        return panels;
    }

    @Test
    void theDashboardImportsWithEveryPanelDescribedAndInItsOwnPlace() throws Exception {
        JsonNode dashboard = new ObjectMapper().readTree(DASHBOARD.toFile());
        assertThat(dashboard.path("uid").asText()).isEqualTo("incident-gateway");
        assertThat(dashboard.path("templating").path("list").findValuesAsText("type")).contains("datasource");
        List<JsonNode> panels = panels();
        assertThat(panels).hasSizeGreaterThanOrEqualTo(10);
        Set<String> cells = new HashSet<>();
        Set<Integer> ids = new HashSet<>();
        for (JsonNode panel : panels) {
            String title = panel.path("title").asText();
            assertThat(title).isNotBlank();
            assertThat(ids.add(panel.path("id").asInt())).as("unique id: " + title).isTrue();
            assertThat(panel.path("description").asText()).as(title).isNotBlank();
            assertThat(panel.path("datasource").path("uid").asText()).as(title).isEqualTo("${datasource}");
            assertThat(panel.path("targets")).as(title).isNotEmpty();
            panel.path("targets").forEach(t -> assertThat(t.path("expr").asText()).as(title).isNotBlank());
            JsonNode grid = panel.path("gridPos");
            int x = grid.path("x").asInt();
            int w = grid.path("w").asInt();
            assertThat(w).as(title).isPositive();
            assertThat(x + w).as(title + " within Grafana's 24 columns").isLessThanOrEqualTo(24);
            for (int dx = 0; dx < w; dx++) {
                for (int dy = 0; dy < grid.path("h").asInt(); dy++) {
                    assertThat(cells.add((x + dx) + "," + (grid.path("y").asInt() + dy))).as(title + " overlaps another panel").isTrue();
                }
            }
        }
    }

    @Test
    void everyQueryNamesMetricsLabelsAndValuesTheGatewayExposes() throws Exception {
        try (GatewayFixture fixture = GatewayFixture.start(TestStore.Kind.H2, PrometheusAlertRulesIT.everyConnectorConfigured())) {
            HttpApi http = fixture.http();
            // Appends are counted by type and outcome once one has happened.
            assertThat(http.postJson("/api/v1/incidents", obj("id", "GD-1", "title", "Dashboard", "actor", "alice", "severity", "sev2"))
                    .status()).isEqualTo(201);
            PrometheusScrape scrape = PrometheusScrape.parse(http.get("/metrics").body());
            List<String> problems = new ArrayList<>();
            for (JsonNode panel : panels()) {
                for (JsonNode target : panel.path("targets")) {
                    // Grafana's own interval variable, as Grafana substitutes it
                    String expr = target.path("expr").asText().replace("$__rate_interval", "5m");
                    PromqlReferences refs = PromqlReferences.of(expr);
                    assertThat(PromqlReferences.KNOWN_FUNCTIONS).as(expr).containsAll(refs.functions());
                    problems.addAll(ExposedMetrics.check(panel.path("title").asText(), expr, scrape).problems());
                }
            }
            assertThat(problems).isEmpty();
        }
    }
}
