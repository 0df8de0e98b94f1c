package dev.incidentgateway.connectors;

import com.fasterxml.jackson.databind.JsonNode;
import dev.incidentgateway.config.ConfigException;
import dev.incidentgateway.config.ConnectorDescriptors;
import dev.incidentgateway.config.GatewayConfig;
import dev.incidentgateway.connectors.http.SinkHttpClient;
import dev.incidentgateway.connectors.testonly.EchoConnector;
import dev.incidentgateway.outbox.SinkRegistry;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Connectors are discovered (ServiceLoader), not listed: {@link EchoConnector} exists only in the test sources, with
 * its own META-INF/services line and descriptor, and is found, listed by {@code config} and built like a shipped one.
 */
class ConnectorDiscoveryTest {
    private final SinkHttpClient http = new SinkHttpClient(() -> null);

    @Test
    void theBuildsConnectorsAndTheTestOnlyOneAreDiscovered() {
        List<String> names = Connectors.discover().all().stream().map(Connector::name).toList();
        assertThat(names).contains("servicenow", "jira", "slack", "alertmanager", "grafana", "cloudevents", "jsonpath", "echo");
        assertThat(Connectors.discover().webhookMappers()).containsOnlyKeys("alertmanager", "grafana", "cloudevents", "jsonpath");
        assertThat(Connectors.discover().sinkFactories()).extracting(f -> f.connector())
                .containsExactlyInAnyOrder("servicenow", "jira", "slack", "echo");
    }

    @Test
    void shippedDescriptorsAreFoundByListingTheClassPathNotByAList() {
        Map<String, JsonNode> all = ConnectorDescriptors.load(null);
        assertThat(all).containsKeys("alertmanager", "grafana", "cloudevents", "pagerduty", "datadog", "servicenow", "jira",
                "slack", "echo");
        assertThat(all.get("echo").path("kind").asText()).isEqualTo("sink");
    }

    @Test
    void theTestOnlySinkIsOffUntilItsVariablesAreSetThenBuiltFromThem() {
        Map<String, JsonNode> descriptors = ConnectorDescriptors.load(null);
        List<SinkRegistry.ActiveSink> off = SinkRegistry.load(descriptors, Connectors.discover().sinkFactories(),
                Map.of("ECHO_URL", "https://echo.example.com"), http);
        assertThat(off).isEmpty();

        List<SinkRegistry.ActiveSink> on = SinkRegistry.load(descriptors, Connectors.discover().sinkFactories(),
                Map.of("ECHO_URL", "https://echo.example.com", "ECHO_TOKEN", "echo-secret-1"), http);
        assertThat(on).hasSize(1);
        assertThat(on.get(0).descriptor().name()).isEqualTo("echo");
        assertThat(on.get(0).sink()).isEqualTo(new EchoConnector.EchoSink("https://echo.example.com", "echo-secret-1"));
    }

    @Test
    void aDescriptorSayingEnabledTrueNamesTheMissingVariableOfTheTestOnlyConnector() {
        Map<String, JsonNode> descriptors = new java.util.TreeMap<>(ConnectorDescriptors.load(null));
        descriptors.put("echo", ((com.fasterxml.jackson.databind.node.ObjectNode) descriptors.get("echo").deepCopy()).put("enabled", "true"));
        assertThatThrownBy(() -> SinkRegistry.load(descriptors, Connectors.discover().sinkFactories(),
                Map.of("ECHO_URL", "https://echo.example.com"), http))
                .isInstanceOf(ConfigException.class).hasMessageContaining("connectors/echo.yaml").hasMessageContaining("ECHO_TOKEN");
    }

    @Test
    void enabledFalseTurnsOffTheConnectorsPollerAsWellAsItsSink() {
        Map<String, String> env = Map.of("SERVICENOW_URL", "https://acme.service-now.com", "SERVICENOW_USER", "gw",
                "SERVICENOW_PASSWORD", "snow-pw", "JIRA_URL", "https://acme.atlassian.net", "JIRA_EMAIL", "bot@example.com",
                "JIRA_API_TOKEN", "jira-token", "JIRA_PROJECT", "OPS");
        Map<String, JsonNode> descriptors = new java.util.TreeMap<>(ConnectorDescriptors.load(null));
        try (var logs = dev.incidentgateway.testsupport.CapturedLogs.of(VendorConnector.class.getName())) {
            assertThat(Connectors.discover().pollers(descriptors, env, http, null)).extracting(p -> p.name())
                    .containsExactlyInAnyOrder("servicenow", "jira");
            // The sink's variables turned the pollers on: the start log says so, and how to turn each off.
            assertThat(logs.lines(e -> true)).anySatisfy(l -> assertThat(l).contains("Poller 'servicenow' is on")
                    .contains("every 60 s").contains("SERVICENOW_POLL_INTERVAL=0 turns it off"))
                    .anySatisfy(l -> assertThat(l).contains("Poller 'jira' is on").contains("JIRA_POLL_INTERVAL=0 turns it off"));
        }

        for (String name : List.of("servicenow", "jira")) {
            descriptors.put(name, ((com.fasterxml.jackson.databind.node.ObjectNode) descriptors.get(name).deepCopy()).put("enabled", false));
        }
        assertThat(Connectors.discover().pollers(descriptors, env, http, null)).as("enabled: false is the connector's switch")
                .isEmpty();
        assertThat(SinkRegistry.load(descriptors, Connectors.discover().sinkFactories(), env, http)).isEmpty();
    }

    @Test
    void configListsEveryConnectorsSettingsWithSecretsMasked() {
        Map<String, String> env = Map.of("ECHO_URL", "https://bot:url-pw@echo.example.com/echo-secret-1", "ECHO_TOKEN", "echo-secret-1",
                "JIRA_API_TOKEN", "jira-secret-2", "SERVICENOW_PASSWORD", "snow-secret-3", "SLACK_BOT_TOKEN", "xoxb-secret-4",
                "PAGERDUTY_WEBHOOK_SECRET", "pd-secret-5", "JIRA_URL", "https://acme.atlassian.net");
        String out = ConnectorSettingsListing.describe(GatewayConfig.load(env, Map.of()));

        assertThat(out).contains("ECHO_URL", "ECHO_TOKEN", "echo.token", "JIRA_URL", "JIRA_EMAIL", "JIRA_API_TOKEN", "JIRA_PROJECT",
                "JIRA_POLL_INTERVAL", "SERVICENOW_URL", "SERVICENOW_USER", "SERVICENOW_PASSWORD", "SERVICENOW_POLL_INTERVAL",
                "SLACK_BOT_TOKEN", "SLACK_CHANNEL", "SLACK_API_URL", "PAGERDUTY_WEBHOOK_SECRET", "DATADOG_WEBHOOK_TOKEN");
        assertThat(out).contains("https://acme.atlassian.net").contains("https://bot:****@echo.example.com/****");
        assertThat(out).doesNotContain("url-pw", "echo-secret-1", "jira-secret-2", "snow-secret-3", "xoxb-secret-4", "pd-secret-5");
    }

    @Test
    void configNamesGatewayVariablesThatAreNoSettingButNotTheOnesDescriptorsOrTheFileSwitchRead(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Files.writeString(dir.resolve("acme.yaml"), """
                kind: webhook-source
                name: acme
                mapper: jsonpath
                auth: {mode: bearer, secretEnv: GATEWAY_ACME_TOKEN}
                mapping: {correlationKey: "$.id", eventType: {path: "$.t", values: {open: declare}}, title: "$.s"}
                """);
        Map<String, String> env = Map.of("GATEWAY_HTTP_PROT", "1", "GATEWAY_OUTBOX_MAXATTEMPTS", "3", "GATEWAY_OUTBOX_MAX_ATTEMPTS", "4",
                "GATEWAY_ACME_TOKEN", "acme-secret", "GATEWAY_CONNECTORS_DIR", dir.toString(), "GATEWAY_CONFIG_X", "y");
        env = new java.util.HashMap<>(env); // Kubernetes' service links for a Service named gateway, and the tests' own: not ours
        env.putAll(Map.of("GATEWAY_SERVICE_HOST", "10.0.0.7", "GATEWAY_SERVICE_PORT_HTTP", "8080", "GATEWAY_PORT", "tcp://10.0.0.7:8080",
                "GATEWAY_PORT_8080_TCP_ADDR", "10.0.0.7", "GATEWAY_PORT_8080_TCP", "tcp://10.0.0.7:8080", "GATEWAY_TEST_PG_URL", "jdbc:x"));
        GatewayConfig config = GatewayConfig.load(env, Map.of());
        var descriptors = dev.incidentgateway.config.ConnectorDescriptors.load(dir);

        assertThat(ConnectorSettingsListing.unknownGatewayVariables(config, descriptors))
                .containsExactly("GATEWAY_CONFIG_X", "GATEWAY_HTTP_PROT", "GATEWAY_OUTBOX_MAXATTEMPTS");
        String out = ConnectorSettingsListing.describe(config);
        assertThat(out).contains("GATEWAY_* variables that are no setting").contains("GATEWAY_HTTP_PROT\nGATEWAY_OUTBOX_MAXATTEMPTS")
                .doesNotContain("acme-secret");
    }
}
