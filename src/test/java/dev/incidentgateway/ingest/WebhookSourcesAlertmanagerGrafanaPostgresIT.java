package dev.incidentgateway.ingest;

import dev.incidentgateway.testsupport.TestStore;

/** {@link WebhookSourcesAlertmanagerGrafanaContract} on PostgreSQL; skipped visibly without GATEWAY_TEST_PG_URL, failed in CI. */
class WebhookSourcesAlertmanagerGrafanaPostgresIT extends WebhookSourcesAlertmanagerGrafanaContract {
    @Override
    TestStore.Kind kind() {
        return TestStore.Kind.POSTGRESQL;
    }
}
