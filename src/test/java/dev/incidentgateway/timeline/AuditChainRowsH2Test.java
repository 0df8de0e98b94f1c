package dev.incidentgateway.timeline;

import dev.incidentgateway.testsupport.TestStore;

/** {@link AuditChainRowsContract} on the embedded H2 store. */
class AuditChainRowsH2Test extends AuditChainRowsContract {
    @Override
    TestStore.Kind kind() {
        return TestStore.Kind.H2;
    }
}
