package dev.incidentgateway.sla;

import dev.incidentgateway.testsupport.TestStore;

/** The SLA tracker on a real PostgreSQL server (GATEWAY_TEST_PG_URL; skipped visibly without it, failed in CI). */
class SlaTrackerPostgresIT extends SlaTrackerContract {
    @Override
    TestStore.Kind kind() {
        return TestStore.Kind.POSTGRESQL;
    }
}
