package dev.incidentgateway.connectors.servicenow;

import dev.incidentgateway.config.ConfigException;
import dev.incidentgateway.config.ConfigKey;
import dev.incidentgateway.config.ConnectorSettings;
import dev.incidentgateway.connectors.http.BasicAuthSite;

import java.util.List;
import java.util.Map;

/**
 * The ServiceNow connector's environment, declared once and shared by the sink and the poller: the instance,
 * the integration user (Basic auth) and the poll interval. The descriptor settings ({@code connectors/servicenow.yaml})
 * are read by {@link ServiceNowRecordMapper} (sink) and {@link ServiceNowPollSettings} (poller).
 */
public record ServiceNowSettings(String url, String user, String password) implements BasicAuthSite {
    public static final ConfigKey<String> URL = ConfigKey.string("servicenow.url", "SERVICENOW_URL", "",
            "ServiceNow instance, e.g. https://acme.service-now.com (no /api/... suffix). With USER and PASSWORD set, the "
                    + "servicenow sink and poller are on (connectors/servicenow.yaml).");
    public static final ConfigKey<String> USER = ConfigKey.string("servicenow.user", "SERVICENOW_USER", "",
            "Integration user (Basic auth) with read/create/write on incident and read on sys_journal_field.");
    public static final ConfigKey<String> PASSWORD = ConfigKey.secret("servicenow.password", "SERVICENOW_PASSWORD", "",
            "That user's password; never logged and scrubbed from dead-letter reasons.");
    public static final ConfigKey<Integer> POLL_INTERVAL = ConfigKey.integer("servicenow.pollIntervalSeconds",
            "SERVICENOW_POLL_INTERVAL", 60, 0, Integer.MAX_VALUE,
            "Seconds between polls of the ServiceNow Table API (ServiceNow → gateway); 0 turns the poller off.");
    public static final List<ConfigKey<?>> KEYS = List.of(URL, USER, PASSWORD, POLL_INTERVAL);

    public static ServiceNowSettings from(Map<String, String> env) {
        return new ServiceNowSettings(ConnectorSettings.text(URL, env).trim(), ConnectorSettings.text(USER, env).trim(),
                ConnectorSettings.text(PASSWORD, env));
    }

    /** All three of URL, user and password are set. */
    boolean complete() {
        return !url.isEmpty() && !user.isEmpty() && !password.isEmpty();
    }

    /** The password is the Basic-auth secret. */
    @Override
    public String secret() {
        return password;
    }

    /** @throws ConfigException when the URL is not the instance's http(s) base URL */
    ServiceNowSettings checkUrl() {
        if (!url.startsWith("https://") && !url.startsWith("http://")) {
            throw new ConfigException(URL.env() + " must be the instance's http(s) URL, e.g. https://acme.service-now.com");
        }
        if (url.matches(".*/api(/.*)?/?$")) {
            throw new ConfigException(URL.env() + " must be the instance's base URL, without /api/...");
        }
        return this;
    }

    /** Never print the password (records print their components). */
    @Override
    public String toString() {
        return "ServiceNowSettings[" + url + ", user=" + user + "]";
    }
}
