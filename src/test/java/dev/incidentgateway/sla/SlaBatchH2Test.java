package dev.incidentgateway.sla;

import dev.incidentgateway.testsupport.TestStore;

/** The SLA clocks of many incidents at once on the embedded H2 file store. */
class SlaBatchH2Test extends SlaBatchContract {
    @Override
    TestStore.Kind kind() {
        return TestStore.Kind.H2;
    }
}
