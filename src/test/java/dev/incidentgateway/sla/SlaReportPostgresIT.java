package dev.incidentgateway.sla;

import dev.incidentgateway.testsupport.TestStore;

/** The SLA report on a real PostgreSQL server (GATEWAY_TEST_PG_URL; skipped visibly without it, failed in CI). */
class SlaReportPostgresIT extends SlaReportContract {
    @Override
    TestStore.Kind kind() {
        return TestStore.Kind.POSTGRESQL;
    }
}
