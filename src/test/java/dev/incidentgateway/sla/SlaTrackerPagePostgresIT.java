package dev.incidentgateway.sla;

import dev.incidentgateway.testsupport.TestStore;

/** The SLA tracker's page scan on a real PostgreSQL server (GATEWAY_TEST_PG_URL; skipped visibly without it, failed in CI). */
class SlaTrackerPagePostgresIT extends SlaTrackerPageContract {
    @Override
    TestStore.Kind kind() {
        return TestStore.Kind.POSTGRESQL;
    }
}
