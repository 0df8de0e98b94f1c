package dev.incidentgateway.lifecycle;

import dev.incidentgateway.testsupport.GatewayProcess;
import dev.incidentgateway.testsupport.GatewayProcess.Command;
import dev.incidentgateway.testsupport.PostgresTestDatabase;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shaded jar started against a store it cannot use: a store that does not answer within the start-up wait, or
 * refuses the gateway for good (no such database), ends the start with exit code 3 and one line naming the cause; a URL
 * no driver takes is bad configuration, exit code 2 naming the setting. Never a stack trace.
 */
class StoreStartIT {
    private static GatewayProcess gw;

    @BeforeAll
    static void findJar() {
        gw = GatewayProcess.locate();
    }

    @Test
    void aStoreThatDoesNotAnswerWithinTheWaitEndsTheStartWithExit3() throws Exception {
        int closed = GatewayProcess.freePort(); // nothing listens there
        Command run = gw.command(dir(), Map.of("GATEWAY_DB_URL", "jdbc:postgresql://127.0.0.1:" + closed + "/gateway",
                "GATEWAY_DB_STARTUP_WAIT_S", "1", "GATEWAY_HTTP_PORT", Integer.toString(GatewayProcess.freePort())), "run");
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(3);
        assertThat(run.stderr()).contains("Cannot start: the store did not accept a connection within 1 s (GATEWAY_DB_STARTUP_WAIT_S)")
                .doesNotContain("Exception in thread").doesNotContain("\tat ");
    }

    @Test
    void aUrlNoDriverTakesIsBadConfigurationWithExit2NamingTheSetting() throws Exception {
        Command run = gw.command(dir(), Map.of("GATEWAY_DB_URL", "jdbc:postgresql://127.0.0.1:notaport/gateway",
                "GATEWAY_HTTP_PORT", Integer.toString(GatewayProcess.freePort())), "run");
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
        assertThat(run.stderr()).contains("store.url (env GATEWAY_DB_URL)").doesNotContain("\tat ");
    }

    @Test
    void aDatabaseThatDoesNotExistEndsTheStartAtOnceRatherThanAfterTheWait() throws Exception {
        PostgresTestDatabase.assumeAvailable();
        try (PostgresTestDatabase db = PostgresTestDatabase.create()) {
            String missing = db.jdbcUrl().replaceFirst("/gw_[0-9a-f]+", "/gw_no_such_database");
            assertThat(missing).isNotEqualTo(db.jdbcUrl());
            // With a 120 s wait a start that waited would outlast the command's timeout (45 s) and fail the test.
            Command run = gw.command(dir(), Map.of("GATEWAY_DB_URL", missing, "GATEWAY_DB_STARTUP_WAIT_S", "120",
                    "GATEWAY_HTTP_PORT", Integer.toString(GatewayProcess.freePort())), "run");
            assertThat(run.exitCode()).as(run.toString()).isEqualTo(3);
            assertThat(run.stderr()).contains("Cannot start: the store refused the gateway (no such database")
                    .contains("database \"gw_no_such_database\" does not exist") // the driver's reason, not the pool's
                    .doesNotContain("Connection is not available").doesNotContain("\tat ");
        }
    }

    @Test
    void aMigrationUserTheStoreRefusesEndsTheStartWithExit3NamingTheSetting() throws Exception {
        Command run = gw.command(dir(), Map.of("GATEWAY_DB_MIGRATION_USER", "nosuchowner", "GATEWAY_DB_MIGRATION_PASSWORD", "not-it",
                "GATEWAY_HTTP_PORT", Integer.toString(GatewayProcess.freePort())), "run");
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(3);
        assertThat(run.stderr()).contains("Cannot start: the store refused the migration user nosuchowner (GATEWAY_DB_MIGRATION_USER")
                .doesNotContain("Exception in thread").doesNotContain("\tat ").doesNotContain("not-it");
        assertThat(run.stderr().lines().filter(l -> !l.isBlank() && !l.matches("^\\d\\d:\\d\\d:\\d\\d\\.\\d+ .*")))
                .as("one line besides the log's: " + run.stderr()).hasSize(1);
    }

    @TempDir
    Path tmp;

    private Path dir() {
        return tmp;
    }
}
