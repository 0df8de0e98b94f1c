package dev.incidentgateway.ingest;

import dev.incidentgateway.testsupport.TestStore;

/** {@link WebhookSourcesLimitsAndStoreDownContract} on a gateway backed by the embedded H2 file store. */
class WebhookSourcesLimitsAndStoreDownH2IT extends WebhookSourcesLimitsAndStoreDownContract {
    @Override
    TestStore.Kind kind() {
        return TestStore.Kind.H2;
    }
}
