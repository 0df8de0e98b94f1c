package dev.incidentgateway.connectors.servicenow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.incidentgateway.config.ConfigException;
import dev.incidentgateway.timeline.EventType;
import dev.incidentgateway.timeline.Severity;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link ServiceNowPoller#create}: on/off rules, the {@code source:} block and its errors. */
class ServiceNowPollSettingsTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final JsonNode SHIPPED = ServiceNowFixtures.shippedDescriptor().raw();

    private static Map<String, String> env(String... extra) {
        Map<String, String> env = new HashMap<>(Map.of("SERVICENOW_URL", "https://acme.service-now.com/",
                "SERVICENOW_USER", "incident-gateway", "SERVICENOW_PASSWORD", "secret"));
        for (int i = 0; i < extra.length; i += 2) {
            env.put(extra[i], extra[i + 1]);
        }
        return env;
    }

    private static JsonNode yaml(String text) throws Exception {
        return YAML.readTree(text);
    }

    @Test
    void offWithoutAllThreeVariablesOrWithIntervalZero() {
        assertThat(ServiceNowPoller.create(SHIPPED, Map.of(), null, null)).isNull();
        Map<String, String> noPassword = env();
        noPassword.remove("SERVICENOW_PASSWORD");
        assertThat(ServiceNowPoller.create(SHIPPED, noPassword, null, null)).isNull();
        assertThat(ServiceNowPoller.create(SHIPPED, env("SERVICENOW_POLL_INTERVAL", "0"), null, null)).isNull();
    }

    @Test
    void shippedDescriptorGivesTheDefaults() {
        ServiceNowPoller poller = ServiceNowPoller.create(SHIPPED, env(), null, null);
        assertThat(poller.name()).isEqualTo("servicenow");
        assertThat(poller.interval()).isEqualTo(Duration.ofSeconds(60));
        ServiceNowPollSettings s = ServiceNowPollSettings.from(SHIPPED, env("SERVICENOW_POLL_INTERVAL", "15"));
        assertThat(s.baseUrl()).isEqualTo("https://acme.service-now.com");
        assertThat(s.interval()).isEqualTo(Duration.ofSeconds(15));
        assertThat(s.pageSize()).isEqualTo(100);
        assertThat(s.overlap()).isEqualTo(Duration.ofSeconds(120));
        assertThat(s.firstSync()).isEqualTo(Duration.ofHours(24));
        assertThat(s.query()).isEmpty();
        assertThat(s.states()).containsExactly(Map.entry("2", EventType.ACK), Map.entry("6", EventType.RESOLVE),
                Map.entry("7", EventType.CLOSE));
        assertThat(s.severityOf("1", "1")).isEqualTo(Severity.SEV1);
        assertThat(s.severityOf("1", "2")).isEqualTo(Severity.SEV2);
        assertThat(s.severityOf("2", "2")).isEqualTo(Severity.SEV3);
        assertThat(s.severityOf("3", "2")).isEqualTo(Severity.SEV4);
        assertThat(s.severityOf("2", "1")).as("not in the map: by priority").isEqualTo(Severity.SEV2);
        assertThat(s.severityOf("3", "3")).isEqualTo(Severity.SEV4);
        assertThat(s.severityOf("", "")).isEqualTo(Severity.SEV3);
    }

    @Test
    void sourceBlockIsRead() throws Exception {
        ServiceNowPollSettings s = ServiceNowPollSettings.from(yaml("""
                source:
                  pageSize: 50
                  overlapSeconds: 30
                  firstSyncHours: 6
                  query: "assignment_group=abc^priority<=2"
                  incidentPrefix: SNOW
                  states: { 2: ack, 8: resolve }
                """), env());
        assertThat(s.pageSize()).isEqualTo(50);
        assertThat(s.overlap()).isEqualTo(Duration.ofSeconds(30));
        assertThat(s.firstSync()).isEqualTo(Duration.ofHours(6));
        assertThat(s.query()).isEqualTo("assignment_group=abc^priority<=2");
        assertThat(s.incidentPrefix()).isEqualTo("SNOW");
        assertThat(s.states()).containsExactly(Map.entry("2", EventType.ACK), Map.entry("8", EventType.RESOLVE));
    }

    @Test
    void configErrorsNameTheKeyOrVariable() {
        assertThatThrownBy(() -> ServiceNowPoller.create(SHIPPED, env("SERVICENOW_POLL_INTERVAL", "soon"), null, null))
                .isInstanceOf(ConfigException.class).hasMessageContaining("SERVICENOW_POLL_INTERVAL");
        assertThatThrownBy(() -> ServiceNowPoller.create(SHIPPED, env("SERVICENOW_URL", "acme.service-now.com"), null, null))
                .isInstanceOf(ConfigException.class).hasMessageContaining("SERVICENOW_URL");
        assertThatThrownBy(() -> ServiceNowPoller.create(yaml("source: {pageSize: 0}"), env(), null, null))
                .isInstanceOf(ConfigException.class).hasMessageContaining("source.pageSize");
        assertThatThrownBy(() -> ServiceNowPoller.create(yaml("source: {overlapSeconds: many}"), env(), null, null))
                .isInstanceOf(ConfigException.class).hasMessageContaining("source.overlapSeconds");
        assertThatThrownBy(() -> ServiceNowPoller.create(yaml("source: {firstSyncHours: -1}"), env(), null, null))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("connectors/servicenow.yaml: source.firstSyncHours must be a whole number from 0 to 8784, got '-1'");
        assertThatThrownBy(() -> ServiceNowPoller.create(yaml("source: {query: 'a=1^NQb=2'}"), env(), null, null))
                .isInstanceOf(ConfigException.class).hasMessageContaining("source.query");
        assertThatThrownBy(() -> ServiceNowPoller.create(yaml("source: {states: {2: note}}"), env(), null, null))
                .isInstanceOf(ConfigException.class).hasMessageContaining("source.states.2");
        assertThatThrownBy(() -> ServiceNowPoller.create(yaml("source: {incidentPrefix: sn}"), env(), null, null))
                .isInstanceOf(ConfigException.class).hasMessageContaining("source.incidentPrefix");
    }
}
