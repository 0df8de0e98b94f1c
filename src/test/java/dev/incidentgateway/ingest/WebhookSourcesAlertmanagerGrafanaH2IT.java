package dev.incidentgateway.ingest;

import dev.incidentgateway.testsupport.TestStore;

/** {@link WebhookSourcesAlertmanagerGrafanaContract} on a gateway backed by the embedded H2 file store. */
class WebhookSourcesAlertmanagerGrafanaH2IT extends WebhookSourcesAlertmanagerGrafanaContract {
    @Override
    TestStore.Kind kind() {
        return TestStore.Kind.H2;
    }
}
