package dev.incidentgateway.connectors.slack;

import dev.incidentgateway.config.DescriptorKeys;
import dev.incidentgateway.connectors.VendorConnector;

/** Slack: a thread per incident in one channel ({@code connectors/slack.yaml}); no poller. */
public final class SlackConnector extends VendorConnector {
    public SlackConnector() {
        super(SlackSink.CONNECTOR, SlackSettings.KEYS, new SlackSinkFactory(), null);
    }

    @Override
    public DescriptorKeys descriptorKeys() {
        return SlackSinkFactory.KEYS;
    }
}
