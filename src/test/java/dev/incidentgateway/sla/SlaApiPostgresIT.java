package dev.incidentgateway.sla;

import dev.incidentgateway.testsupport.TestStore;

/** The SLA API and tracker route in a gateway on PostgreSQL (GATEWAY_TEST_PG_URL; skipped visibly without it, failed in CI). */
class SlaApiPostgresIT extends SlaApiContract {
    @Override
    TestStore.Kind kind() {
        return TestStore.Kind.POSTGRESQL;
    }
}
