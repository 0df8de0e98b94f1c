package dev.incidentgateway.camel;

import dev.incidentgateway.testsupport.TestStore;

/** Skipped visibly without GATEWAY_TEST_PG_URL; failed in CI. */
class TimelineOutboxConsumerPostgresIT extends TimelineOutboxConsumerContract {
    @Override
    TestStore.Kind kind() {
        return TestStore.Kind.POSTGRESQL;
    }
}
