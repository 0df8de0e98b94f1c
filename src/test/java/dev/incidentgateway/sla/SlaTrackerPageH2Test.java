package dev.incidentgateway.sla;

import dev.incidentgateway.testsupport.TestStore;

/** The SLA tracker's page scan on the embedded H2 file store. */
class SlaTrackerPageH2Test extends SlaTrackerPageContract {
    @Override
    TestStore.Kind kind() {
        return TestStore.Kind.H2;
    }
}
