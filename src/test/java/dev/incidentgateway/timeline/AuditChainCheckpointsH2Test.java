package dev.incidentgateway.timeline;

import dev.incidentgateway.testsupport.TestStore;

/** {@link AuditChainCheckpointsContract} on the embedded H2 store. */
class AuditChainCheckpointsH2Test extends AuditChainCheckpointsContract {
    @Override
    TestStore.Kind kind() {
        return TestStore.Kind.H2;
    }
}
