package dev.incidentgateway.timeline;

import dev.incidentgateway.testsupport.TestStore;

/** The model-based property on the embedded H2 file store. */
class TimelineModelH2Test extends TimelineModelContract {
    @Override
    TestStore.Kind kind() {
        return TestStore.Kind.H2;
    }
}
