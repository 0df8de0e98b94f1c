package dev.incidentgateway.console;

import dev.incidentgateway.testsupport.TestStore;

/** The incident page in headless Chromium against a gateway on PostgreSQL (skipped without GATEWAY_TEST_PG_URL, failed in CI). */
class ConsoleIncidentPagePostgresIT extends ConsoleIncidentPageContract {
    @Override
    TestStore.Kind kind() {
        return TestStore.Kind.POSTGRESQL;
    }
}
