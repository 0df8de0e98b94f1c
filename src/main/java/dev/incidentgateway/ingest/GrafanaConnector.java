package dev.incidentgateway.ingest;

/** {@code mapper: grafana}: Grafana unified alerting's webhook, Alertmanager's payload plus Grafana's fields ({@link GrafanaMapper}). */
public final class GrafanaConnector extends AlertmanagerConnector {
    public GrafanaConnector() {
        super("grafana", GrafanaMapper::new);
    }
}
