package dev.incidentgateway.ingest;

import dev.incidentgateway.testsupport.TestStore;

/** {@link WebhookSourcesFromYamlContract} on a gateway backed by the embedded H2 file store. */
class WebhookSourcesFromYamlH2IT extends WebhookSourcesFromYamlContract {
    @Override
    TestStore.Kind kind() {
        return TestStore.Kind.H2;
    }
}
