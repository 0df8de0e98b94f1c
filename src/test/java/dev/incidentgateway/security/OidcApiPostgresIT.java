package dev.incidentgateway.security;

import dev.incidentgateway.testsupport.TestStore;

class OidcApiPostgresIT extends OidcApiContract {
    @Override
    TestStore.Kind kind() {
        return TestStore.Kind.POSTGRESQL;
    }
}
