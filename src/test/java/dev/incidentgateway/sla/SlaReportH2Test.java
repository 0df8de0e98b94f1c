package dev.incidentgateway.sla;

import dev.incidentgateway.testsupport.TestStore;

/** The SLA report on an embedded H2 file. */
class SlaReportH2Test extends SlaReportContract {
    @Override
    TestStore.Kind kind() {
        return TestStore.Kind.H2;
    }
}
