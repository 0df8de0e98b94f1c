package dev.incidentgateway.api;

import dev.incidentgateway.testsupport.TestStore;

/** {@link IncidentApiReadsContract} on a gateway backed by the embedded H2 file store. */
class IncidentApiReadsH2IT extends IncidentApiReadsContract {
    @Override
    TestStore.Kind kind() {
        return TestStore.Kind.H2;
    }
}
