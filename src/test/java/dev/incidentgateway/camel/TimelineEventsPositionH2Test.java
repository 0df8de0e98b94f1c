package dev.incidentgateway.camel;

import dev.incidentgateway.testsupport.TestStore;

/** {@code timeline:events} positions on the embedded H2 file store. */
class TimelineEventsPositionH2Test extends TimelineEventsPositionContract {
    @Override
    TestStore.Kind kind() {
        return TestStore.Kind.H2;
    }
}
