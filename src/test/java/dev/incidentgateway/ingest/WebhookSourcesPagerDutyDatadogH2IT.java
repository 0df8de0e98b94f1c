package dev.incidentgateway.ingest;

import dev.incidentgateway.testsupport.TestStore;

/** {@link WebhookSourcesPagerDutyDatadogContract} on a gateway backed by the embedded H2 file store. */
class WebhookSourcesPagerDutyDatadogH2IT extends WebhookSourcesPagerDutyDatadogContract {
    @Override
    TestStore.Kind kind() {
        return TestStore.Kind.H2;
    }
}
