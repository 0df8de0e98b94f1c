package dev.incidentgateway.security;

import dev.incidentgateway.testsupport.TestStore;

/** The scope matrix of every route, on the embedded H2 store. */
class AuthMatrixH2IT extends AuthMatrixContract {
    @Override
    TestStore.Kind kind() {
        return TestStore.Kind.H2;
    }
}
