package dev.incidentgateway.api;

import dev.incidentgateway.testsupport.TestStore;

/** The HTTP contract on a gateway backed by the embedded H2 file store. */
class IncidentApiH2IT extends IncidentApiContract {
    @Override
    TestStore.Kind kind() {
        return TestStore.Kind.H2;
    }
}
