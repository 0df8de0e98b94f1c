package dev.incidentgateway.console;

import dev.incidentgateway.testsupport.TestStore;

/** The console in headless Chromium against a gateway on PostgreSQL (skipped without GATEWAY_TEST_PG_URL, failed in CI). */
class ConsoleBrowserPostgresIT extends ConsoleBrowserContract {
    @Override
    TestStore.Kind kind() {
        return TestStore.Kind.POSTGRESQL;
    }
}
