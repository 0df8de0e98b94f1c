package dev.incidentgateway.outbox;

import dev.incidentgateway.testsupport.TestStore;

/** {@link OutboxOperatorRacesContract} on the embedded H2 store. */
class OutboxOperatorRacesH2Test extends OutboxOperatorRacesContract {
    @Override
    TestStore.Kind kind() {
        return TestStore.Kind.H2;
    }
}
