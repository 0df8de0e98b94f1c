package dev.incidentgateway.outbox;

import dev.incidentgateway.testsupport.TestStore;

class IncidentExternalRefsH2IT extends IncidentExternalRefsContract {
    @Override
    TestStore.Kind kind() {
        return TestStore.Kind.H2;
    }
}
