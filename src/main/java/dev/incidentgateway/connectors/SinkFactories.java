package dev.incidentgateway.connectors;

import dev.incidentgateway.connectors.jira.JiraSinkFactory;
import dev.incidentgateway.connectors.servicenow.ServiceNowSinkFactory;
import dev.incidentgateway.connectors.slack.SlackSinkFactory;
import dev.incidentgateway.outbox.SinkFactory;

import java.util.List;

/** The outbound connectors this build knows; {@code connectors/<name>.yaml} with {@code kind: sink} turns one on. */
public final class SinkFactories {
    private SinkFactories() {
    }

    public static List<SinkFactory> all() {
        return List.of(new ServiceNowSinkFactory(), new JiraSinkFactory(), new SlackSinkFactory());
    }
}
