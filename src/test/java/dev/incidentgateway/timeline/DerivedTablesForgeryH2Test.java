package dev.incidentgateway.timeline;

import dev.incidentgateway.testsupport.TestStore;

/** Forged rows of the derived tables, on the embedded H2 store. */
class DerivedTablesForgeryH2Test extends DerivedTablesForgeryContract {
    @Override
    TestStore.Kind kind() {
        return TestStore.Kind.H2;
    }
}
