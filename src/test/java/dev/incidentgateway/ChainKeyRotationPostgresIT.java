package dev.incidentgateway;

import dev.incidentgateway.testsupport.TestStore;

/** Skipped visibly without GATEWAY_TEST_PG_URL; failed in CI. */
class ChainKeyRotationPostgresIT extends ChainKeyRotationContract {
    @Override
    TestStore.Kind kind() {
        return TestStore.Kind.POSTGRESQL;
    }
}
