package dev.incidentgateway.api;

import dev.incidentgateway.testsupport.TestStore;

/**
 * {@link IncidentApiVerifyContract} on a gateway backed by PostgreSQL: a fresh database on the server of
 * GATEWAY_TEST_PG_URL. Without it every test reports itself skipped (failed in CI).
 */
class IncidentApiVerifyPostgresIT extends IncidentApiVerifyContract {
    @Override
    TestStore.Kind kind() {
        return TestStore.Kind.POSTGRESQL;
    }
}
