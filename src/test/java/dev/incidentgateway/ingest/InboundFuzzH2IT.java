package dev.incidentgateway.ingest;

import dev.incidentgateway.testsupport.TestStore;

class InboundFuzzH2IT extends InboundFuzzContract {
    @Override
    TestStore.Kind kind() {
        return TestStore.Kind.H2;
    }
}
