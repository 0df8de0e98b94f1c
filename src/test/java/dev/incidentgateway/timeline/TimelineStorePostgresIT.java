package dev.incidentgateway.timeline;

import dev.incidentgateway.testsupport.PostgresTestDatabase;
import dev.incidentgateway.testsupport.TestStore;
import org.junit.jupiter.api.BeforeAll;

/** The store contract on a real PostgreSQL server (GATEWAY_TEST_PG_URL; skipped visibly without it, failed in CI). */
class TimelineStorePostgresIT extends TimelineStoreContract {
    @BeforeAll
    static void requirePostgres() {
        PostgresTestDatabase.assumeAvailable();
    }

    @Override
    TestStore.Kind kind() {
        return TestStore.Kind.POSTGRESQL;
    }
}
