package dev.incidentgateway.sla;

import dev.incidentgateway.testsupport.TestStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;

/**
 * The store lifecycle of the SLA contracts that need one migrated store per test class: opened on the first test of the
 * class (H2 or PostgreSQL, as the subclass says; PostgreSQL skips visibly without GATEWAY_TEST_PG_URL), closed after
 * its last. Classes run one after another, so the next class opens its own.
 */
abstract class SlaStoreContract {
    static SlaTestStore db;

    abstract TestStore.Kind kind();

    @BeforeEach
    void openStore() {
        if (db == null) {
            db = SlaTestStore.open(kind());
        }
    }

    @AfterAll
    static void closeStore() {
        if (db != null) {
            db.close();
        }
        db = null;
    }
}
