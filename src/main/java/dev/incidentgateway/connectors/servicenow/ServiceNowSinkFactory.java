package dev.incidentgateway.connectors.servicenow;

import dev.incidentgateway.config.ConfigException;
import dev.incidentgateway.outbox.Sink;
import dev.incidentgateway.outbox.SinkDescriptor;
import dev.incidentgateway.outbox.SinkFactory;
import dev.incidentgateway.connectors.http.SinkHttpClient;

import java.util.List;
import java.util.Map;

/**
 * The ServiceNow sink ({@code connectors/servicenow.yaml}): on when {@code SERVICENOW_URL} (the instance,
 * e.g. {@code https://acme.service-now.com}), {@code SERVICENOW_USER} and {@code SERVICENOW_PASSWORD} (Basic
 * auth of an integration user) are set.
 */
public final class ServiceNowSinkFactory implements SinkFactory {
    public static final String URL = "SERVICENOW_URL";
    public static final String USER = "SERVICENOW_USER";
    public static final String PASSWORD = "SERVICENOW_PASSWORD";

    @Override
    public String connector() {
        return ServiceNowSink.CONNECTOR;
    }

    @Override
    public List<String> requiredEnv() {
        return List.of(URL, USER, PASSWORD);
    }

    @Override
    public Sink create(SinkDescriptor descriptor, Map<String, String> env, SinkHttpClient http) {
        String url = env.getOrDefault(URL, "").trim();
        if (!url.startsWith("https://") && !url.startsWith("http://")) {
            throw new ConfigException(URL + " must be the instance's http(s) URL, e.g. https://acme.service-now.com");
        }
        if (url.matches(".*/api(/.*)?$")) {
            throw new ConfigException(URL + " must be the instance's base URL, without /api/...");
        }
        String user = env.getOrDefault(USER, "");
        String password = env.getOrDefault(PASSWORD, "");
        if (user.isBlank() || password.isEmpty()) {
            throw new ConfigException(USER + " and " + PASSWORD + " must be set for the ServiceNow sink");
        }
        return new ServiceNowSink(url, user, password, ServiceNowRecordMapper.from(descriptor), http);
    }
}
