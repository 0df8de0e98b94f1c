package dev.incidentgateway.timeline;

import dev.incidentgateway.testsupport.TestStore;

/** Forged rows of the derived tables, on PostgreSQL (GATEWAY_TEST_PG_URL). */
class DerivedTablesForgeryPostgresIT extends DerivedTablesForgeryContract {
    @Override
    TestStore.Kind kind() {
        return TestStore.Kind.POSTGRESQL;
    }
}
