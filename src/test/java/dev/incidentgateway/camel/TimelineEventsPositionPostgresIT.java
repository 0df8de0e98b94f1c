package dev.incidentgateway.camel;

import dev.incidentgateway.testsupport.TestStore;

/** {@code timeline:events} positions on a real PostgreSQL server (GATEWAY_TEST_PG_URL; skipped visibly without it, failed in CI). */
class TimelineEventsPositionPostgresIT extends TimelineEventsPositionContract {
    @Override
    TestStore.Kind kind() {
        return TestStore.Kind.POSTGRESQL;
    }
}
