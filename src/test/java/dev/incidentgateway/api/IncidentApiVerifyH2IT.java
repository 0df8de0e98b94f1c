package dev.incidentgateway.api;

import dev.incidentgateway.testsupport.TestStore;

/** {@link IncidentApiVerifyContract} on a gateway backed by the embedded H2 file store. */
class IncidentApiVerifyH2IT extends IncidentApiVerifyContract {
    @Override
    TestStore.Kind kind() {
        return TestStore.Kind.H2;
    }
}
