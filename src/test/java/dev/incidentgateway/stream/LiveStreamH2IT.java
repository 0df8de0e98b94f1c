package dev.incidentgateway.stream;

import dev.incidentgateway.testsupport.TestStore;

/** The live stream on the embedded H2 store: fed by the writer's after-commit hook. */
class LiveStreamH2IT extends LiveStreamContract {
    @Override
    TestStore.Kind kind() {
        return TestStore.Kind.H2;
    }
}
