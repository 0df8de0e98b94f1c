package dev.incidentgateway.api;

import dev.incidentgateway.testsupport.TestStore;

/** {@link IncidentApiLifecycleContract} on a gateway backed by the embedded H2 file store. */
class IncidentApiLifecycleH2IT extends IncidentApiLifecycleContract {
    @Override
    TestStore.Kind kind() {
        return TestStore.Kind.H2;
    }
}
