package dev.incidentgateway.outbox;

import dev.incidentgateway.testsupport.TestStore;

/** {@link OutboxRelayPropertyContract} on H2: one instance, as only one process opens the file. */
class OutboxRelayPropertyH2Test extends OutboxRelayPropertyContract {
    @Override
    TestStore.Kind kind() {
        return TestStore.Kind.H2;
    }

    @Override
    int instances() {
        return 1;
    }
}
