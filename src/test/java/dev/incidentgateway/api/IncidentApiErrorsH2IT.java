package dev.incidentgateway.api;

import dev.incidentgateway.testsupport.TestStore;

/** {@link IncidentApiErrorsContract} on a gateway backed by the embedded H2 file store. */
class IncidentApiErrorsH2IT extends IncidentApiErrorsContract {
    @Override
    TestStore.Kind kind() {
        return TestStore.Kind.H2;
    }
}
