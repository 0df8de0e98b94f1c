package dev.incidentgateway.outbox;

import dev.incidentgateway.connectors.http.SinkHttpClient;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.incidentgateway.config.ConfigException;
import dev.incidentgateway.config.ConnectorDescriptors;
import dev.incidentgateway.connectors.Connectors;
import dev.incidentgateway.timeline.EventType;
import dev.incidentgateway.timeline.Severity;
import dev.incidentgateway.timeline.TimelineEvent;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Which sinks are on, and which events their subscriptions take. */
class SinkRegistryTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private final SinkHttpClient http = new SinkHttpClient(() -> {
        throw new AssertionError("no HTTP while loading");
    });

    private static Map<String, JsonNode> shippedWith(String name, String yaml) throws Exception {
        Map<String, JsonNode> all = new HashMap<>(ConnectorDescriptors.load(null));
        if (yaml != null) {
            all.put(name, YAML.readTree(yaml));
        }
        return all;
    }

    @Test
    void shippedSinksAreOffWithoutCredentialsAndOnWithThem() throws Exception {
        assertThat(SinkRegistry.load(shippedWith(null, null), Connectors.discover().sinkFactories(), Map.of(), http)).isEmpty();
        Map<String, String> env = Map.of("SLACK_BOT_TOKEN", "xoxb-1", "SLACK_CHANNEL", "#incidents");
        assertThat(SinkRegistry.load(shippedWith(null, null), Connectors.discover().sinkFactories(), env, http))
                .extracting(a -> a.descriptor().name()).containsExactly("slack");
    }

    @Test
    void enabledTrueWithoutCredentialsStopsTheStartNamingTheVariable() throws Exception {
        Map<String, JsonNode> all = shippedWith("slack", """
                kind: sink
                name: slack
                enabled: true
                events: [declare]
                """);
        assertThatThrownBy(() -> SinkRegistry.load(all, Connectors.discover().sinkFactories(), Map.of("SLACK_CHANNEL", "#x"), http))
                .isInstanceOf(ConfigException.class).hasMessageContaining("SLACK_BOT_TOKEN").hasMessageContaining("slack.yaml");
    }

    @Test
    void enabledFalseKeepsASinkOffEvenWithCredentials() throws Exception {
        Map<String, JsonNode> all = shippedWith("slack", """
                kind: sink
                name: slack
                enabled: false
                events: [declare]
                """);
        assertThat(SinkRegistry.load(all, Connectors.discover().sinkFactories(), Map.of("SLACK_BOT_TOKEN", "x", "SLACK_CHANNEL", "#x"), http)).isEmpty();
    }

    @Test
    void badDescriptorsAreNamed() throws Exception {
        assertThatThrownBy(() -> SinkRegistry.load(shippedWith("slack", "kind: sink\nevents: [declare, explode]\n"),
                Connectors.discover().sinkFactories(), Map.of(), http)).hasMessageContaining("explode");
        assertThatThrownBy(() -> SinkRegistry.load(shippedWith("slack", "kind: sink\nevents: [declare]\ntemplates: {declare: '${nope}'}\n"),
                Connectors.discover().sinkFactories(), Map.of(), http)).hasMessageContaining("${nope}");
        assertThatThrownBy(() -> SinkRegistry.loadAll(shippedWith("teams", "kind: sink\nevents: [declare, explode]\n"),
                Connectors.discover().sinkFactories(), Set.of(), Map.of(), http)).hasMessageContaining("teams.yaml: events: 'explode'");
    }

    /** Trial: a YAML target's descriptor without events was refused ("events must be a non-empty list"); README: every type. */
    @Test
    void aYamlTargetsDescriptorWithoutEventsTakesEveryType() throws Exception {
        Connectors connectors = Connectors.discover();
        SinkRegistry.Loaded loaded = SinkRegistry.loadAll(shippedWith("t3", "kind: sink\nminSeverity: sev2\n"),
                connectors.sinkFactories(), connectors.withoutSink(), Map.of(), http);
        assertThat(loaded.routeOnly()).singleElement().satisfies(d -> {
            assertThat(d.events()).containsExactlyInAnyOrder(EventType.values());
            assertThat(d.minSeverity()).isEqualTo(Severity.SEV2);
        });
        assertThat(SinkRegistry.loadAll(shippedWith("t3", "kind: sink\nenabled: false\n"),
                connectors.sinkFactories(), connectors.withoutSink(), Map.of(), http).routeOnly()).isEmpty();
        assertThatThrownBy(() -> SinkRegistry.loadAll(shippedWith("t3", "kind: sink\nevents: []\n"),
                connectors.sinkFactories(), connectors.withoutSink(), Map.of(), http)).hasMessageContaining("t3.yaml: events must be");
    }

    /** Issue: a sink descriptor for a route written in YAML only stopped the start ("no sink connector named …"). */
    @Test
    void aSinkDescriptorWithoutAJavaConnectorHoldsTheSettingsOfATargetWrittenInYaml() throws Exception {
        Connectors connectors = Connectors.discover();
        SinkRegistry.Loaded loaded = SinkRegistry.loadAll(shippedWith("http-export", """
                kind: sink
                name: http-export
                events: [declare, ack]
                minSeverity: sev2
                """), connectors.sinkFactories(), connectors.withoutSink(), Map.of(), http);
        assertThat(loaded.sinks()).isEmpty();
        assertThat(loaded.routeOnly()).singleElement().satisfies(d -> {
            assertThat(d.name()).isEqualTo("http-export");
            assertThat(d.events()).containsExactlyInAnyOrder(EventType.DECLARE, EventType.ACK);
            assertThat(d.minSeverity()).isEqualTo(Severity.SEV2);
        });
        assertThat(SinkRegistry.loadAll(shippedWith("http-export", "kind: sink\nenabled: false\nevents: [declare]\n"),
                connectors.sinkFactories(), connectors.withoutSink(), Map.of(), http).routeOnly()).isEmpty();
    }

    @Test
    void aSinkDescriptorNamedForAConnectorWithoutASinkIsRefused() throws Exception {
        Connectors connectors = Connectors.discover();
        assertThatThrownBy(() -> SinkRegistry.loadAll(shippedWith("grafana", "kind: sink\nevents: [declare]\n"),
                connectors.sinkFactories(), connectors.withoutSink(), Map.of(), http))
                .isInstanceOf(ConfigException.class).hasMessageContaining("connectors/grafana.yaml: connector 'grafana' has no sink");
    }

    @Test
    void subscriptionsFilterByTypeSeverityAndNeverSendAnEventBackToItsSource() {
        SinkDescriptor jira = new SinkDescriptor("jira", java.util.EnumSet.of(EventType.DECLARE, EventType.NOTE), Severity.SEV2,
                Map.of(), JsonNodeFactory.instance.objectNode());
        assertThat(jira.accepts(event(EventType.DECLARE, "key:ops"), Severity.SEV1)).isTrue();
        assertThat(jira.accepts(event(EventType.DECLARE, "key:ops"), Severity.SEV3)).isFalse();
        assertThat(jira.accepts(event(EventType.ACK, "key:ops"), Severity.SEV1)).isFalse();
        assertThat(jira.accepts(event(EventType.NOTE, "poller:jira"), Severity.SEV1)).isFalse();
        assertThat(jira.accepts(event(EventType.NOTE, "webhook:jira"), Severity.SEV1)).isFalse();
        assertThat(jira.accepts(event(EventType.NOTE, "poller:servicenow"), Severity.SEV1)).isTrue();
    }

    @Test
    void loopPreventionKeysOnTheServerSetPrincipalNeverOnTheCallersSource() {
        SinkDescriptor slack = new SinkDescriptor("slack", java.util.EnumSet.of(EventType.DECLARE), Severity.SEV4,
                Map.of(), JsonNodeFactory.instance.objectNode());
        // A REST caller writing "source": "slack" (or /webhooks/slack) used to suppress delivery to Slack.
        assertThat(slack.accepts(event(EventType.DECLARE, "key:ops", "slack"), Severity.SEV1)).isTrue();
        assertThat(slack.accepts(event(EventType.DECLARE, "key:ops", "/webhooks/slack"), Severity.SEV1)).isTrue();
        assertThat(slack.accepts(event(EventType.DECLARE, "oidc:slack", "/api/v1"), Severity.SEV1)).isTrue();
        assertThat(slack.accepts(event(EventType.DECLARE, "webhook:slack", "/api/v1"), Severity.SEV1)).isFalse();
    }

    private static TimelineEvent event(EventType type, String principal) {
        return event(type, principal, "/api/v1");
    }

    private static TimelineEvent event(EventType type, String principal, String source) {
        return new TimelineEvent("01JDZ8Q6Y0M5V3W3T0B7C2N4KX", "INC-1", 1, type, "a", "t", null, Instant.now(), Instant.now(),
                source, "x", source, "t", JsonNodeFactory.instance.objectNode(), "0".repeat(64), "0".repeat(64), principal);
    }
}
