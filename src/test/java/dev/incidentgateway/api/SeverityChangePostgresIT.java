package dev.incidentgateway.api;

import dev.incidentgateway.testsupport.TestStore;

/** A change of severity on a gateway backed by PostgreSQL (GATEWAY_TEST_PG_URL; without it each test is skipped). */
class SeverityChangePostgresIT extends SeverityChangeContract {
    @Override
    TestStore.Kind kind() {
        return TestStore.Kind.POSTGRESQL;
    }
}
