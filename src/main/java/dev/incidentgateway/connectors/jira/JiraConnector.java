package dev.incidentgateway.connectors.jira;

import dev.incidentgateway.connectors.VendorConnector;

/** Jira Cloud issues both ways: the REST v3 sink and the poller ({@code connectors/jira.yaml}). */
public final class JiraConnector extends VendorConnector {
    public JiraConnector() {
        super(JiraSink.CONNECTOR, JiraSettings.KEYS, new JiraSinkFactory(), JiraPoller::create);
    }
}
