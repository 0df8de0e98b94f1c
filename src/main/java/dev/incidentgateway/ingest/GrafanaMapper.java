package dev.incidentgateway.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Grafana unified-alerting webhook: Alertmanager's payload plus {@code title}, {@code state}, {@code orgId}
 * and per-alert {@code values}, {@code dashboardURL}, {@code panelURL}; the same correlation, keyed
 * {@code grafana:<fingerprint>}. The extra fields are kept in the event's data.
 */
public final class GrafanaMapper extends AlertmanagerMapper {
    public GrafanaMapper(String source, SeverityMapping severities, ObjectMapper json, boolean resolveOnClear) {
        super(source, severities, json, resolveOnClear);
    }

    @Override
    protected void addSourceSpecifics(JsonNode root, JsonNode alert, ObjectNode data) {
        copyText(root, data, "orgId");
        copyText(root, data, "state");
        copyText(root, data, "title");
        copyText(alert, data, "values");
        copyText(alert, data, "valueString");
        copyText(alert, data, "dashboardURL");
        copyText(alert, data, "panelURL");
        copyText(alert, data, "silenceURL");
    }
}
