package dev.incidentgateway.ingest;

import dev.incidentgateway.testsupport.TestStore;

class WebhookSourcesH2IT extends WebhookSourcesContract {
    @Override
    TestStore.Kind kind() {
        return TestStore.Kind.H2;
    }
}
