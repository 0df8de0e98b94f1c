package dev.incidentgateway.ingest;

import dev.incidentgateway.testsupport.TestStore;

class WebhookIngestH2IT extends WebhookIngestContract {
    @Override
    TestStore.Kind kind() {
        return TestStore.Kind.H2;
    }
}
