package dev.incidentgateway.timeline;

import dev.incidentgateway.testsupport.TestStore;

/** {@link AuditChainViewsContract} on the embedded H2 store. */
class AuditChainViewsH2Test extends AuditChainViewsContract {
    @Override
    TestStore.Kind kind() {
        return TestStore.Kind.H2;
    }
}
