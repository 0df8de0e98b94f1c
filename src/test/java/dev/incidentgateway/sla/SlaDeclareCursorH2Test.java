package dev.incidentgateway.sla;

import dev.incidentgateway.testsupport.TestStore;

/** New incidents left to the SLA tracker's declare cursor, on an embedded H2 file. */
class SlaDeclareCursorH2Test extends SlaDeclareCursorContract {
    @Override
    TestStore.Kind kind() {
        return TestStore.Kind.H2;
    }
}
