package dev.incidentgateway.timeline;

import dev.incidentgateway.testsupport.TestStore;

/** {@link AuditChainViewsContract} on PostgreSQL (GATEWAY_TEST_PG_URL), the database admin being the superuser. */
class AuditChainViewsPostgresIT extends AuditChainViewsContract {
    @Override
    TestStore.Kind kind() {
        return TestStore.Kind.POSTGRESQL;
    }
}
