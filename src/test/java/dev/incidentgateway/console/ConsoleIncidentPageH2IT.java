package dev.incidentgateway.console;

import dev.incidentgateway.testsupport.TestStore;

/** The incident page in headless Chromium against a gateway on H2. */
class ConsoleIncidentPageH2IT extends ConsoleIncidentPageContract {
    @Override
    TestStore.Kind kind() {
        return TestStore.Kind.H2;
    }
}
