package dev.incidentgateway.outbox;

import dev.incidentgateway.testsupport.TestStore;

/** {@link OutboxShutdownAndPurgeContract} on the embedded H2 store. */
class OutboxShutdownAndPurgeH2Test extends OutboxShutdownAndPurgeContract {
    @Override
    TestStore.Kind kind() {
        return TestStore.Kind.H2;
    }
}
