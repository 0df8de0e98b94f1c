package dev.incidentgateway;

import dev.incidentgateway.testsupport.TestStore;

class StoreSchemaVersionH2Test extends StoreSchemaVersionContract {
    @Override
    TestStore.Kind kind() {
        return TestStore.Kind.H2;
    }
}
