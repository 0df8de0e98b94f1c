package dev.incidentgateway.sla;

import dev.incidentgateway.testsupport.TestStore;

/** The SLA API and tracker route in a gateway on the embedded H2 file store. */
class SlaApiH2IT extends SlaApiContract {
    @Override
    TestStore.Kind kind() {
        return TestStore.Kind.H2;
    }
}
