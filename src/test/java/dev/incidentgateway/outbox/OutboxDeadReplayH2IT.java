package dev.incidentgateway.outbox;

import dev.incidentgateway.testsupport.TestStore;

class OutboxDeadReplayH2IT extends OutboxDeadReplayContract {
    @Override
    TestStore.Kind kind() {
        return TestStore.Kind.H2;
    }
}
