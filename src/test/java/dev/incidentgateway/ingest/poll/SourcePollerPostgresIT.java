package dev.incidentgateway.ingest.poll;

import dev.incidentgateway.testsupport.TestStore;

/** Skipped visibly without GATEWAY_TEST_PG_URL; failed in CI. */
class SourcePollerPostgresIT extends SourcePollerContract {
    @Override
    TestStore.Kind kind() {
        return TestStore.Kind.POSTGRESQL;
    }
}
