package dev.incidentgateway.sla;

import dev.incidentgateway.testsupport.TestStore;

/** The SLA tracker after downtime and over many closed incidents, on a real PostgreSQL server (GATEWAY_TEST_PG_URL; skipped visibly without it, failed in CI). */
class SlaDowntimePostgresIT extends SlaDowntimeContract {
    @Override
    TestStore.Kind kind() {
        return TestStore.Kind.POSTGRESQL;
    }
}
