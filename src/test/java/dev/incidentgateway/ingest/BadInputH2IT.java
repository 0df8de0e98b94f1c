package dev.incidentgateway.ingest;

import dev.incidentgateway.testsupport.TestStore;

class BadInputH2IT extends BadInputContract {
    @Override
    TestStore.Kind kind() {
        return TestStore.Kind.H2;
    }
}
