package dev.incidentgateway.timeline;

import dev.incidentgateway.testsupport.TestStore;

/** The store contract on a real PostgreSQL server (GATEWAY_TEST_PG_URL; skipped visibly without it, failed in CI). */
class TimelineStorePostgresIT extends PipelinedStagingContract {
    @Override
    TestStore.Kind kind() {
        return TestStore.Kind.POSTGRESQL;
    }
}
