package dev.incidentgateway.cli;

import dev.incidentgateway.testsupport.TestStore;

class WebhookTokenCommandH2Test extends WebhookTokenCommandContract {
    @Override
    TestStore.Kind kind() {
        return TestStore.Kind.H2;
    }
}
