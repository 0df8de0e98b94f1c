package dev.incidentgateway.ingest;

import dev.incidentgateway.testsupport.TestStore;

/** Skipped visibly without GATEWAY_TEST_PG_URL; failed in CI. */
class WebhookTokensPostgresIT extends WebhookTokensContract {
    @Override
    TestStore.Kind kind() {
        return TestStore.Kind.POSTGRESQL;
    }
}
