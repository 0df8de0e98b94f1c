package dev.incidentgateway.connectors.servicenow;

import dev.incidentgateway.config.ConfigException;
import dev.incidentgateway.outbox.IncidentLink;
import dev.incidentgateway.outbox.Sink;
import dev.incidentgateway.outbox.SinkDescriptor;
import dev.incidentgateway.connectors.VendorSinkFactory;
import dev.incidentgateway.connectors.http.SinkHttpClient;

import java.util.Map;

/**
 * The ServiceNow sink ({@code connectors/servicenow.yaml}): on when {@code SERVICENOW_URL} (the instance,
 * e.g. {@code https://acme.service-now.com}), {@code SERVICENOW_USER} and {@code SERVICENOW_PASSWORD} (Basic
 * auth of an integration user) are set.
 */
public final class ServiceNowSinkFactory extends VendorSinkFactory {
    public ServiceNowSinkFactory() {
        super(ServiceNowSink.CONNECTOR, ServiceNowSettings.URL, ServiceNowSettings.USER, ServiceNowSettings.PASSWORD);
    }

    @Override
    public Sink create(SinkDescriptor descriptor, Map<String, String> env, SinkHttpClient http) {
        ServiceNowSettings instance = ServiceNowSettings.from(env).checkUrl();
        if (!instance.complete()) {
            throw new ConfigException(ServiceNowSettings.USER.env() + " and " + ServiceNowSettings.PASSWORD.env()
                    + " must be set for the ServiceNow sink");
        }
        return new ServiceNowSink(instance, ServiceNowRecordMapper.from(descriptor, IncidentLink.of(descriptor.raw(), env)), http);
    }
}
