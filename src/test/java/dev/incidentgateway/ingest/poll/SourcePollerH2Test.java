package dev.incidentgateway.ingest.poll;

import dev.incidentgateway.testsupport.TestStore;

class SourcePollerH2Test extends SourcePollerContract {
    @Override
    TestStore.Kind kind() {
        return TestStore.Kind.H2;
    }
}
