package dev.incidentgateway.sla;

import dev.incidentgateway.testsupport.TestStore;

/** The SLA tracker after downtime and over many closed incidents, on an embedded H2 file. */
class SlaDowntimeH2Test extends SlaDowntimeContract {
    @Override
    TestStore.Kind kind() {
        return TestStore.Kind.H2;
    }
}
