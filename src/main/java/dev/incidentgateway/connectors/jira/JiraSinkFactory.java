package dev.incidentgateway.connectors.jira;

import dev.incidentgateway.outbox.IncidentLink;
import dev.incidentgateway.outbox.Sink;
import dev.incidentgateway.outbox.SinkDescriptor;
import dev.incidentgateway.connectors.VendorSinkFactory;
import dev.incidentgateway.connectors.http.SinkHttpClient;

import java.util.Map;

/**
 * The Jira Cloud sink ({@code connectors/jira.yaml}). Environment: {@code JIRA_URL} (site base URL,
 * https://&lt;site&gt;.atlassian.net), {@code JIRA_EMAIL} and {@code JIRA_API_TOKEN} (Basic auth of an
 * Atlassian account with Browse, Create, Add Comments and Transition Issues on the project) and
 * {@code JIRA_PROJECT} (project key, e.g. OPS). Descriptor settings: see {@link JiraConfig}.
 */
public final class JiraSinkFactory extends VendorSinkFactory {
    public JiraSinkFactory() {
        super(JiraSink.CONNECTOR, JiraSettings.URL, JiraSettings.EMAIL, JiraSettings.API_TOKEN, JiraSettings.PROJECT);
    }

    /** @throws dev.incidentgateway.config.ConfigException naming every bad setting */
    @Override
    public Sink create(SinkDescriptor descriptor, Map<String, String> env, SinkHttpClient http) {
        JiraConfig config = JiraConfig.from(descriptor, env);
        return new JiraSink(config, new JiraIssueMapper(config, IncidentLink.of(descriptor.raw(), env)), http);
    }
}
