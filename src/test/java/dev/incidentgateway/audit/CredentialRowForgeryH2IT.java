package dev.incidentgateway.audit;

import dev.incidentgateway.testsupport.TestStore;

class CredentialRowForgeryH2IT extends CredentialRowForgeryContract {
    @Override
    TestStore.Kind kind() {
        return TestStore.Kind.H2;
    }
}
