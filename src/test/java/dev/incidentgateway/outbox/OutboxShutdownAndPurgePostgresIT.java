package dev.incidentgateway.outbox;

import dev.incidentgateway.testsupport.TestStore;

/** {@link OutboxShutdownAndPurgeContract} on PostgreSQL; skipped visibly without GATEWAY_TEST_PG_URL, failed in CI. */
class OutboxShutdownAndPurgePostgresIT extends OutboxShutdownAndPurgeContract {
    @Override
    TestStore.Kind kind() {
        return TestStore.Kind.POSTGRESQL;
    }
}
