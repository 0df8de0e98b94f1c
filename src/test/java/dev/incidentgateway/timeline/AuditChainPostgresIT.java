package dev.incidentgateway.timeline;

import dev.incidentgateway.testsupport.TestStore;

/** The audit chain against a database admin (the superuser), on PostgreSQL (GATEWAY_TEST_PG_URL). */
class AuditChainPostgresIT extends AuditChainContract {
    @Override
    TestStore.Kind kind() {
        return TestStore.Kind.POSTGRESQL;
    }
}
