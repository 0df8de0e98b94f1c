package dev.incidentgateway.timeline;

import dev.incidentgateway.testsupport.TestStore;

/** {@link AuditChainCheckpointsContract} on PostgreSQL (GATEWAY_TEST_PG_URL), the database admin being the superuser. */
class AuditChainCheckpointsPostgresIT extends AuditChainCheckpointsContract {
    @Override
    TestStore.Kind kind() {
        return TestStore.Kind.POSTGRESQL;
    }
}
