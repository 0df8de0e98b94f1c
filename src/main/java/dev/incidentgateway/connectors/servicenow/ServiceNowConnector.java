package dev.incidentgateway.connectors.servicenow;

import dev.incidentgateway.config.DescriptorKeys;
import dev.incidentgateway.connectors.VendorConnector;

/** ServiceNow incidents both ways: the Table API sink and the poller ({@code connectors/servicenow.yaml}). */
public final class ServiceNowConnector extends VendorConnector {
    public ServiceNowConnector() {
        super(ServiceNowSink.CONNECTOR, ServiceNowSettings.KEYS, new ServiceNowSinkFactory(), ServiceNowPoller::create);
    }

    @Override
    public DescriptorKeys descriptorKeys() {
        return ServiceNowRecordMapper.KEYS.and(ServiceNowPollSettings.KEYS);
    }
}
