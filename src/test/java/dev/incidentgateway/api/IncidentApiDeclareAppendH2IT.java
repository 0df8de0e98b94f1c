package dev.incidentgateway.api;

import dev.incidentgateway.testsupport.TestStore;

/** {@link IncidentApiDeclareAppendContract} on a gateway backed by the embedded H2 file store. */
class IncidentApiDeclareAppendH2IT extends IncidentApiDeclareAppendContract {
    @Override
    TestStore.Kind kind() {
        return TestStore.Kind.H2;
    }
}
