package dev.incidentgateway.ingest;

import dev.incidentgateway.testsupport.TestStore;

/** {@link WebhookSourcesLimitsAndStoreDownContract} on PostgreSQL; skipped visibly without GATEWAY_TEST_PG_URL, failed in CI. */
class WebhookSourcesLimitsAndStoreDownPostgresIT extends WebhookSourcesLimitsAndStoreDownContract {
    @Override
    TestStore.Kind kind() {
        return TestStore.Kind.POSTGRESQL;
    }
}
