package dev.incidentgateway.security;

import dev.incidentgateway.testsupport.TestStore;

/** The scope matrix of every route, on PostgreSQL (GATEWAY_TEST_PG_URL; skipped visibly without it, failed in CI). */
class AuthMatrixPostgresIT extends AuthMatrixContract {
    @Override
    TestStore.Kind kind() {
        return TestStore.Kind.POSTGRESQL;
    }
}
