package dev.incidentgateway.camel;

import dev.incidentgateway.testsupport.TestStore;

class TimelineOutboxConsumerH2Test extends TimelineOutboxConsumerContract {
    @Override
    TestStore.Kind kind() {
        return TestStore.Kind.H2;
    }
}
