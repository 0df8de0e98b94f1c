package dev.incidentgateway.outbox;

import dev.incidentgateway.testsupport.TestStore;

class OutboxFaultsH2Test extends OutboxFaultsContract {
    @Override
    TestStore.Kind kind() {
        return TestStore.Kind.H2;
    }
}
