package dev.incidentgateway;

import dev.incidentgateway.testsupport.TestStore;

class ChainKeyRotationH2IT extends ChainKeyRotationContract {
    @Override
    TestStore.Kind kind() {
        return TestStore.Kind.H2;
    }
}
