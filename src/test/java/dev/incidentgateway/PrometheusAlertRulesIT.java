package dev.incidentgateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.incidentgateway.testsupport.GatewayFixture;
import dev.incidentgateway.testsupport.PrometheusScrape;
import dev.incidentgateway.testsupport.ReadmeExamples;
import dev.incidentgateway.testsupport.TestStore;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code docs/prometheus-alerts.yaml}, the alert rules we ship, against a real gateway's {@code /metrics}: a rule whose
 * metric was renamed, whose label was misspelt or whose series appears only after the first failure would never fire,
 * and nothing else would tell. The gateway runs with every connector configured (their targets unreachable), so each
 * connector's and poller's series are there, as in production.
 */
class PrometheusAlertRulesIT {
    private static final Path RULES = Path.of("docs/prometheus-alerts.yaml");
    private static final Pattern TEMPLATE_LABEL = Pattern.compile("\\$labels\\.([a-zA-Z_][a-zA-Z0-9_]*)");

    private static List<JsonNode> rules() throws Exception {
        JsonNode root = new YAMLMapper().readTree(RULES.toFile());
        List<JsonNode> rules = new ArrayList<>();
        root.path("groups").forEach(g -> g.path("rules").forEach(rules::add));
        return rules;
    }

    @Test
    void everyRuleHasItsFieldsAndARunbookThatIsAReadmeSection() throws Exception {
        List<JsonNode> rules = rules();
        assertThat(rules).hasSizeBetween(8, 15);
        Set<String> anchors = readmeAnchors();
        Set<String> names = new HashSet<>();
        for (JsonNode rule : rules) {
            String name = rule.path("alert").asText();
            assertThat(names.add(name)).as("alert names are unique: %s", name).isTrue();
            assertThat(rule.path("expr").asText()).as(name).isNotBlank();
            assertThat(rule.path("for").asText()).as(name).matches("[0-9]+[smh]");
            assertThat(rule.path("labels").path("severity").asText()).as(name).isIn("page", "ticket");
            for (String field : new String[]{"summary", "description", "runbook"}) {
                assertThat(rule.path("annotations").path(field).asText()).as(name + " " + field).isNotBlank();
            }
            String runbook = rule.path("annotations").path("runbook").asText();
            assertThat(runbook).as(name).startsWith("README.md#");
            assertThat(anchors).as(name + ": a heading of README.md").contains(runbook.substring("README.md#".length()));
            PromqlReferences refs = PromqlReferences.of(rule.path("expr").asText());
            assertThat(PromqlReferences.KNOWN_FUNCTIONS).as(name).containsAll(refs.functions());
            assertThat(refs.selectors()).as(name + " names a metric").isNotEmpty();
        }
    }

    @Test
    void everyMetricLabelAndLabelValueARuleNamesIsExposedFromTheStart() throws Exception {
        Map<String, String> env = everyConnectorConfigured();
        try (GatewayFixture fixture = GatewayFixture.start(TestStore.Kind.H2, env)) {
            // The first scrape: before any request, failure or poll was counted.
            PrometheusScrape scrape = PrometheusScrape.parse(fixture.http().get("/metrics").body());
            List<String> problems = new ArrayList<>();
            for (JsonNode rule : rules()) {
                problems.addAll(problems(rule, scrape));
            }
            assertThat(problems).isEmpty();
        }
    }

    /** Every shipped connector on (their targets unreachable), so each connector's and poller's series are there. */
    static Map<String, String> everyConnectorConfigured() throws java.io.IOException {
        String unreachable;
        try (ServerSocket s = new ServerSocket(0)) {
            unreachable = "http://127.0.0.1:" + s.getLocalPort();
        }
        return Map.ofEntries(Map.entry("SERVICENOW_URL", unreachable), Map.entry("SERVICENOW_USER", "gw"),
                Map.entry("SERVICENOW_PASSWORD", "pw"), Map.entry("JIRA_URL", unreachable), Map.entry("JIRA_EMAIL", "gw@example.com"),
                Map.entry("JIRA_API_TOKEN", "token"), Map.entry("JIRA_PROJECT", "OPS"), Map.entry("SLACK_BOT_TOKEN", "xoxb-test"),
                Map.entry("SLACK_CHANNEL", "C1"), Map.entry("SLACK_API_URL", unreachable));
    }

    private static List<String> problems(JsonNode rule, PrometheusScrape scrape) {
        String name = rule.path("alert").asText();
        ExposedMetrics.Check check = ExposedMetrics.check(name, rule.path("expr").asText(), scrape);
        List<String> problems = new ArrayList<>(check.problems());
        Set<String> labels = check.labels();
        Matcher m = TEMPLATE_LABEL.matcher(rule.path("annotations").toString());
        while (m.find()) {
            if (!labels.contains(m.group(1))) {
                problems.add(name + ": its annotations name $labels." + m.group(1) + ", which none of its series has");
            }
        }
        return problems;
    }

    /** The anchors GitHub gives README.md's headings: lower case, punctuation but '-' and '_' dropped, spaces as '-'. */
    private static Set<String> readmeAnchors() throws Exception {
        Set<String> anchors = new HashSet<>();
        for (String line : Files.readAllLines(ReadmeExamples.readme())) {
            if (line.matches("#{1,6} .*")) {
                anchors.add(line.replaceFirst("#+ ", "").toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N} _-]", "")
                        .replace(' ', '-'));
            }
        }
        return anchors;
    }
}
