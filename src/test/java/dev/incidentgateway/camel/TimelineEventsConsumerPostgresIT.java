package dev.incidentgateway.camel;

import dev.incidentgateway.testsupport.TestStore;

/** {@code timeline:events} on a real PostgreSQL server (GATEWAY_TEST_PG_URL; skipped visibly without it, failed in CI). */
class TimelineEventsConsumerPostgresIT extends TimelineEventsConsumerContract {
    @Override
    TestStore.Kind kind() {
        return TestStore.Kind.POSTGRESQL;
    }
}
