package dev.incidentgateway.ingest;

import dev.incidentgateway.testsupport.TestStore;

/** {@link WebhookSourcesFromYamlContract} on PostgreSQL; skipped visibly without GATEWAY_TEST_PG_URL, failed in CI. */
class WebhookSourcesFromYamlPostgresIT extends WebhookSourcesFromYamlContract {
    @Override
    TestStore.Kind kind() {
        return TestStore.Kind.POSTGRESQL;
    }
}
