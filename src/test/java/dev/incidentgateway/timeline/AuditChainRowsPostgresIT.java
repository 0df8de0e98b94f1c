package dev.incidentgateway.timeline;

import dev.incidentgateway.testsupport.TestStore;

/** {@link AuditChainRowsContract} on PostgreSQL (GATEWAY_TEST_PG_URL), the database admin being the superuser. */
class AuditChainRowsPostgresIT extends AuditChainRowsContract {
    @Override
    TestStore.Kind kind() {
        return TestStore.Kind.POSTGRESQL;
    }
}
