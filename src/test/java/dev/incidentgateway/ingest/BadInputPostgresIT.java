package dev.incidentgateway.ingest;

import dev.incidentgateway.testsupport.TestStore;

/** Skipped visibly without GATEWAY_TEST_PG_URL; failed in CI. */
class BadInputPostgresIT extends BadInputContract {
    @Override
    TestStore.Kind kind() {
        return TestStore.Kind.POSTGRESQL;
    }
}
