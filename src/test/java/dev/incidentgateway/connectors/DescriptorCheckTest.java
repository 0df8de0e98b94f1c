package dev.incidentgateway.connectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.incidentgateway.config.ConfigException;
import dev.incidentgateway.config.ConnectorDescriptors;
import dev.incidentgateway.config.DescriptorKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link DescriptorCheck}: every top-level key of a descriptor is one its kind or its connector reads. */
class DescriptorCheckTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Connectors CONNECTORS = Connectors.discover();

    private static Map<String, JsonNode> withShipped(String name, String yaml) throws Exception {
        Map<String, JsonNode> all = new TreeMap<>(ConnectorDescriptors.load((Path) null));
        all.put(name, YAML.readTree(yaml));
        return all;
    }

    @Test
    void everyShippedDescriptorPasses() {
        Map<String, JsonNode> shipped = ConnectorDescriptors.load(Path.of("connectors"));
        assertThat(shipped).containsKeys("alertmanager", "cloudevents", "datadog", "grafana", "jira", "pagerduty", "servicenow",
                "slack", "echo");
        assertThatCode(() -> DescriptorCheck.check(shipped, CONNECTORS)).doesNotThrowAnyException();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "a sink's misspelt minSeverity | slack | 'kind: sink\\nname: slack\\nevents: [declare]\\nminSeverty: sev1\\n' "
                    + "| connectors/slack.yaml: unknown key 'minSeverty' (known: kind, name, enabled, events, minSeverity, templates, link, workspaceUrl)",
            "a sink's template for templates | slack | 'kind: sink\\nevents: [declare]\\ntemplate:\\n  declare: hi\\n' "
                    + "| connectors/slack.yaml: unknown key 'template'",
            "a webhook source's misspelt rateLimit | qux | 'kind: webhook-source\\nmapper: cloudevents\\nauth: {mode: none}\\nrateLimt: {perSecond: 1}\\n' "
                    + "| connectors/qux.yaml: unknown key 'rateLimt' (known: kind, name, enabled, mapper, auth, rateLimit)",
            "another mapper's key | qux | 'kind: webhook-source\\nmapper: jsonpath\\nauth: {mode: none}\\nseverity: {}\\nmapping: {}\\n' "
                    + "| connectors/qux.yaml: unknown key 'severity' (known: kind, name, enabled, mapper, auth, rateLimit, mapping)",
            "a poller's key on a webhook source | qux | 'kind: webhook-source\\nmapper: cloudevents\\nsource: {}\\n' "
                    + "| connectors/qux.yaml: unknown key 'source'",
            "templates on a target written in YAML only | http-export | 'kind: sink\\nevents: [declare]\\ntemplates: {declare: hi}\\n' "
                    + "| connectors/http-export.yaml: unknown key 'templates' (known: kind, name, enabled, events, minSeverity)",
            "a misspelt kind | qux | 'kind: webhook-sourc\\nmapper: cloudevents\\n' "
                    + "| connectors/qux.yaml: unknown kind 'webhook-sourc' (known: webhook-source, sink)",
            "no kind | qux | 'mapper: cloudevents\\n' | connectors/qux.yaml: no kind (known: webhook-source, sink)",
            "a misspelt mapper, named before its keys | qux | 'kind: webhook-source\\nmapper: jsonpth\\nauth: {mode: none}\\nmapping: {}\\n' "
                    + "| connectors/qux.yaml: mapper must be one of ",
            "an empty file | qux | '' | connectors/qux.yaml: must be a mapping with kind: webhook-source or sink"})
    void refusesNamingTheFileAndTheKey(String what, String name, String yaml, String message) throws Exception {
        Map<String, JsonNode> all = withShipped(name, yaml.replace("\\n", "\n"));
        assertThatThrownBy(() -> DescriptorCheck.check(all, CONNECTORS)).isInstanceOf(ConfigException.class)
                .hasMessageContaining(message);
    }

    @Test
    void acceptsWhatTheKindAndTheConnectorRead() throws Exception {
        assertThatCode(() -> DescriptorCheck.check(withShipped("jira", """
                kind: sink
                name: jira
                enabled: false
                events: [declare]
                minSeverity: sev2
                issueType: Bug
                labels: [a]
                transitions: {}
                priorities: {}
                templates: {}
                link: x
                source: {interval: 0}
                """), CONNECTORS)).doesNotThrowAnyException();
        assertThatCode(() -> DescriptorCheck.check(withShipped("http-export", """
                kind: sink
                name: http-export
                enabled: true
                events: [declare, ack]
                minSeverity: sev2
                """), CONNECTORS)).doesNotThrowAnyException();
        assertThatCode(() -> DescriptorCheck.check(withShipped("qux", """
                kind: webhook-source
                name: qux
                mapper: grafana
                auth: {mode: none}
                rateLimit: {perSecond: 1}
                severity: {label: level}
                """), CONNECTORS)).doesNotThrowAnyException();
    }

    @Test
    void aKeyReadButNotDeclaredIsAProgrammingErrorNotAnOperatorsOne() {
        assertThatThrownBy(() -> DescriptorKeys.of("events").path(YAML.createObjectNode(), "minSeverity"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("'minSeverity' is read but not declared");
    }
}
