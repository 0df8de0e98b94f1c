package dev.incidentgateway.outbox;

import dev.incidentgateway.testsupport.TestStore;

/** {@link OutboxSlowCallsContract} on the embedded H2 store. */
class OutboxSlowCallsH2Test extends OutboxSlowCallsContract {
    @Override
    TestStore.Kind kind() {
        return TestStore.Kind.H2;
    }
}
