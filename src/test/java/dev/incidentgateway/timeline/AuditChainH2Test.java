package dev.incidentgateway.timeline;

import dev.incidentgateway.testsupport.TestStore;

/** The audit chain against a database admin, on the embedded H2 store. */
class AuditChainH2Test extends AuditChainContract {
    @Override
    TestStore.Kind kind() {
        return TestStore.Kind.H2;
    }
}
