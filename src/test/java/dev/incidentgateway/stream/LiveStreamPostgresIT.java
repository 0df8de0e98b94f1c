package dev.incidentgateway.stream;

import dev.incidentgateway.testsupport.TestStore;

/**
 * The live stream on PostgreSQL: fed by the Since-feed tail (stream.source=auto), as with several gateways on
 * one database. Without GATEWAY_TEST_PG_URL every test reports itself skipped (failed in CI).
 */
class LiveStreamPostgresIT extends LiveStreamContract {
    @Override
    TestStore.Kind kind() {
        return TestStore.Kind.POSTGRESQL;
    }
}
