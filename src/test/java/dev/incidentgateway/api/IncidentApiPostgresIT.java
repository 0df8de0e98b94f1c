package dev.incidentgateway.api;

import dev.incidentgateway.testsupport.PostgresTestDatabase;
import dev.incidentgateway.testsupport.TestStore;
import org.junit.jupiter.api.BeforeEach;

/**
 * The HTTP contract on a gateway backed by PostgreSQL: a fresh database on the server of
 * GATEWAY_TEST_PG_URL. Without it every test reports itself skipped (failed in CI).
 */
class IncidentApiPostgresIT extends IncidentApiContract {
    @Override
    TestStore.Kind kind() {
        return TestStore.Kind.POSTGRESQL;
    }

    @Override
    boolean storeAvailable() {
        return PostgresTestDatabase.available();
    }

    /**
     * Per test, not only per class: an assumption failing in @BeforeAll shows as "Tests run: 0, Skipped: 0",
     * which hides that nothing ran (same reason as in TimelineStoreContract).
     */
    @BeforeEach
    void requirePostgres() {
        PostgresTestDatabase.assumeAvailable();
    }
}
