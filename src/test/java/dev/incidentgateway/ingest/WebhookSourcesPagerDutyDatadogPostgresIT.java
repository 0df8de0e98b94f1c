package dev.incidentgateway.ingest;

import dev.incidentgateway.testsupport.TestStore;

/** {@link WebhookSourcesPagerDutyDatadogContract} on PostgreSQL; skipped visibly without GATEWAY_TEST_PG_URL, failed in CI. */
class WebhookSourcesPagerDutyDatadogPostgresIT extends WebhookSourcesPagerDutyDatadogContract {
    @Override
    TestStore.Kind kind() {
        return TestStore.Kind.POSTGRESQL;
    }
}
