package dev.incidentgateway.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.incidentgateway.config.ConnectorDescriptors;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/** Which webhook sources take a gateway-managed token, and why the others do not. */
class GatewayTokenSourcesTest {
    private static final Map<String, JsonNode> SHIPPED = ConnectorDescriptors.load(null);

    @Test
    void theShippedBearerSourcesWithoutASecretOfTheirOwnTakeAManagedToken() {
        assertThat(GatewayTokenSources.of(SHIPPED)).containsExactly("alertmanager", "cloudevents", "grafana");
        assertThat(GatewayTokenSources.whyNot(SHIPPED, "alertmanager")).isEmpty();
    }

    @Test
    void everyOtherSourceIsRefusedWithTheReason() {
        assertThat(GatewayTokenSources.whyNot(SHIPPED, "datadog")).get().asString()
                .contains("DATADOG_WEBHOOK_TOKEN").contains("auth.secretEnv");
        assertThat(GatewayTokenSources.whyNot(SHIPPED, "pagerduty")).get().asString()
                .contains("hmac-sha256-hex").contains("not bearer");
        assertThat(GatewayTokenSources.whyNot(SHIPPED, "nosuch")).get().asString()
                .contains("no webhook source 'nosuch'").contains("alertmanager");
        assertThat(GatewayTokenSources.whyNot(SHIPPED, "slack")).as("a sink is not a webhook source").get().asString()
                .contains("no webhook source 'slack'");
    }

    @Test
    void aSourceTurnedOffOrWithANullSecretEnvStillCounts() throws Exception {
        Map<String, JsonNode> all = new TreeMap<>(SHIPPED);
        YAMLMapper yaml = new YAMLMapper();
        all.put("off", yaml.readTree("kind: webhook-source\nname: off\nenabled: false\nauth: {mode: bearer}"));
        all.put("nullenv", yaml.readTree("kind: webhook-source\nname: nullenv\nauth: {mode: bearer, secretEnv: }"));
        all.put("alertmanager", yaml.readTree("kind: webhook-source\nname: alertmanager\nauth: {mode: bearer, secretEnv: AM}"));
        assertThat(GatewayTokenSources.of(all)).containsExactly("cloudevents", "grafana", "nullenv", "off");
    }
}
