package dev.incidentgateway.connectors.jira;

import dev.incidentgateway.config.DescriptorKeys;
import dev.incidentgateway.connectors.VendorConnector;

/** Jira Cloud issues both ways: the REST v3 sink and the poller ({@code connectors/jira.yaml}). */
public final class JiraConnector extends VendorConnector {
    public JiraConnector() {
        super(JiraSink.CONNECTOR, JiraSettings.KEYS, new JiraSinkFactory(), JiraPoller::create);
    }

    @Override
    public DescriptorKeys descriptorKeys() {
        return JiraConfig.KEYS.and(JiraPollConfig.KEYS);
    }
}
