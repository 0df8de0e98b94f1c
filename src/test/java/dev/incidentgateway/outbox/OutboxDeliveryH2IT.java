package dev.incidentgateway.outbox;

import dev.incidentgateway.testsupport.TestStore;

class OutboxDeliveryH2IT extends OutboxDeliveryContract {
    @Override
    TestStore.Kind kind() {
        return TestStore.Kind.H2;
    }
}
