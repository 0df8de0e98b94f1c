package dev.incidentgateway.timeline;

import dev.incidentgateway.testsupport.TestStore;

/** The store contract on the embedded H2 file store. */
class TimelineStoreH2Test extends PipelinedStagingContract {
    @Override
    TestStore.Kind kind() {
        return TestStore.Kind.H2;
    }
}
