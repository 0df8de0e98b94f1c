package dev.incidentgateway.api;

import dev.incidentgateway.testsupport.TestStore;

/** {@link IncidentApiIdempotencyAndRacesContract} on a gateway backed by the embedded H2 file store. */
class IncidentApiIdempotencyAndRacesH2IT extends IncidentApiIdempotencyAndRacesContract {
    @Override
    TestStore.Kind kind() {
        return TestStore.Kind.H2;
    }
}
