package dev.incidentgateway.ingest;

import dev.incidentgateway.testsupport.TestStore;

class WebhookTokensH2IT extends WebhookTokensContract {
    @Override
    TestStore.Kind kind() {
        return TestStore.Kind.H2;
    }
}
