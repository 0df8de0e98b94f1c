package dev.incidentgateway.api;

import dev.incidentgateway.testsupport.TestStore;

/** A change of severity on a gateway backed by the embedded H2 file store. */
class SeverityChangeH2IT extends SeverityChangeContract {
    @Override
    TestStore.Kind kind() {
        return TestStore.Kind.H2;
    }
}
