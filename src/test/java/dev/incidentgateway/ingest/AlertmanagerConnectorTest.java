package dev.incidentgateway.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.incidentgateway.config.ConfigException;
import dev.incidentgateway.connectors.Connectors;
import dev.incidentgateway.connectors.DescriptorCheck;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The descriptor's {@code resolveOnClear}: a declared key of the Alertmanager-shaped mappers, true or false only. */
class AlertmanagerConnectorTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private static JsonNode descriptor(String mapper, String resolveOnClear) throws Exception {
        return YAML.readTree("kind: webhook-source\nname: " + mapper + "\nmapper: " + mapper + "\nauth: {mode: bearer}\n"
                + "resolveOnClear: " + resolveOnClear + "\n");
    }

    @Test
    void resolveOnClearIsAKnownKeyOfAlertmanagerAndGrafana() throws Exception {
        for (String mapper : new String[] {"alertmanager", "grafana"}) {
            assertThatCode(() -> DescriptorCheck.check(Map.of(mapper, descriptor(mapper, "false")), Connectors.discover()))
                    .doesNotThrowAnyException();
            assertThatCode(() -> mapperOf(mapper, descriptor(mapper, "false"))).doesNotThrowAnyException();
        }
    }

    @Test
    void aValueOtherThanTrueOrFalseStopsTheStartNamingTheFileAndKey() throws Exception {
        JsonNode d = descriptor("alertmanager", "maybe");
        assertThatThrownBy(() -> mapperOf("alertmanager", d)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("connectors/alertmanager.yaml: resolveOnClear must be true or false, got 'maybe'");
    }

    private static WebhookMapper mapperOf(String mapper, JsonNode d) {
        return Connectors.discover().webhookMappers().get(mapper).create(mapper, d, new ObjectMapper());
    }
}
