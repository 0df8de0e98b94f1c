package dev.incidentgateway.camel;

import dev.incidentgateway.testsupport.TestStore;

/** {@code timeline:events} on the embedded H2 file store. */
class TimelineEventsConsumerH2Test extends TimelineEventsConsumerContract {
    @Override
    TestStore.Kind kind() {
        return TestStore.Kind.H2;
    }
}
