package dev.incidentgateway.outbox;

import dev.incidentgateway.testsupport.TestStore;

class OutboxClaimsH2Test extends OutboxClaimsContract {
    @Override
    TestStore.Kind kind() {
        return TestStore.Kind.H2;
    }
}
