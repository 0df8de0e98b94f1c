package dev.incidentgateway.sla;

import dev.incidentgateway.testsupport.TestStore;

/** The SLA clocks of many incidents at once on a real PostgreSQL server (GATEWAY_TEST_PG_URL; skipped visibly without it, failed in CI). */
class SlaBatchPostgresIT extends SlaBatchContract {
    @Override
    TestStore.Kind kind() {
        return TestStore.Kind.POSTGRESQL;
    }
}
