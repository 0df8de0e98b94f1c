package dev.incidentgateway.security;

import dev.incidentgateway.testsupport.TestStore;

class OidcApiH2IT extends OidcApiContract {
    @Override
    TestStore.Kind kind() {
        return TestStore.Kind.H2;
    }
}
