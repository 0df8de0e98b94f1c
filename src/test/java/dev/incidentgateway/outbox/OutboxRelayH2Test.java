package dev.incidentgateway.outbox;

import dev.incidentgateway.testsupport.TestStore;

class OutboxRelayH2Test extends OutboxRelayContract {
    @Override
    TestStore.Kind kind() {
        return TestStore.Kind.H2;
    }
}
