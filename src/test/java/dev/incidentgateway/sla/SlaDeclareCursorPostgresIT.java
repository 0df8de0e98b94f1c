package dev.incidentgateway.sla;

import dev.incidentgateway.testsupport.TestStore;

/** New incidents left to the SLA tracker's declare cursor, on a real PostgreSQL server (GATEWAY_TEST_PG_URL; skipped visibly without it, failed in CI). */
class SlaDeclareCursorPostgresIT extends SlaDeclareCursorContract {
    @Override
    TestStore.Kind kind() {
        return TestStore.Kind.POSTGRESQL;
    }
}
