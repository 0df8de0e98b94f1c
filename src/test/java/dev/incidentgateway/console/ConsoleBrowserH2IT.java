package dev.incidentgateway.console;

import dev.incidentgateway.testsupport.TestStore;

/** The console in headless Chromium against a gateway on H2. */
class ConsoleBrowserH2IT extends ConsoleBrowserContract {
    @Override
    TestStore.Kind kind() {
        return TestStore.Kind.H2;
    }
}
