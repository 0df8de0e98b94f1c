package dev.incidentgateway.connectors.servicenow;

import dev.incidentgateway.connectors.VendorConnector;

/** ServiceNow incidents both ways: the Table API sink and the poller ({@code connectors/servicenow.yaml}). */
public final class ServiceNowConnector extends VendorConnector {
    public ServiceNowConnector() {
        super(ServiceNowSink.CONNECTOR, ServiceNowSettings.KEYS, new ServiceNowSinkFactory(), ServiceNowPoller::create);
    }
}
