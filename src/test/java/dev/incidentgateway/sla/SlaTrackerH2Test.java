package dev.incidentgateway.sla;

import dev.incidentgateway.testsupport.TestStore;

/** The SLA tracker on the embedded H2 file store. */
class SlaTrackerH2Test extends SlaTrackerContract {
    @Override
    TestStore.Kind kind() {
        return TestStore.Kind.H2;
    }
}
