package dev.incidentgateway.store;

import dev.incidentgateway.config.GatewayConfig;
import dev.incidentgateway.testsupport.GatewayProcess;
import dev.incidentgateway.testsupport.PostgresTestDatabase;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The start's wait for the store: a refusal no waiting changes ends it at once, a store that does not answer ends it
 * when GATEWAY_DB_STARTUP_WAIT_S is over, and either way the message is the driver's reason, not the pool's. The upper
 * bounds are generous: the point is "not the pool's 5 s connection timeout on top".
 */
class StoreStartupWaitIT {
    private static final Duration NOT_THE_POOL_TIMEOUT = Duration.ofSeconds(4);

    @Test
    void aDatabaseThatDoesNotExistIsRefusedAtOnceWithTheDriversReason() {
        PostgresTestDatabase.assumeAvailable();
        try (PostgresTestDatabase db = PostgresTestDatabase.create()) {
            String missing = db.jdbcUrl().replaceFirst("/gw_[0-9a-f]+", "/gw_no_such_database");
            assertRefusedQuickly(postgres(missing, db.user()), "the store refused the gateway (no such database: check GATEWAY_DB_URL)",
                    "database \"gw_no_such_database\" does not exist");
        }
    }

    @Test
    void aUserTheServerDoesNotKnowIsRefusedAtOnceWithTheDriversReason() {
        PostgresTestDatabase.assumeAvailable();
        try (PostgresTestDatabase db = PostgresTestDatabase.create()) {
            String url = db.jdbcUrl().replaceFirst("([?&])user=[^&]*&?", "$1").replaceFirst("[?&]$", "");
            assertRefusedQuickly(postgres(url, "gw_no_such_user"), "the store refused the gateway (wrong user or password: GATEWAY_DB_USER, "
                    + "GATEWAY_DB_PASSWORD)", "gw_no_such_user");
        }
    }

    @Test
    void aStoreThatDoesNotAnswerEndsTheStartWhenTheWaitIsOver() throws Exception {
        int closed = GatewayProcess.freePort(); // nothing listens there
        GatewayConfig config = GatewayConfig.load(Map.of("GATEWAY_DB_URL", "jdbc:postgresql://127.0.0.1:" + closed + "/gateway",
                "GATEWAY_DB_STARTUP_WAIT_S", "1"), Map.of());
        assertRefusedQuickly(config, "the store did not accept a connection within 1 s (GATEWAY_DB_STARTUP_WAIT_S)", "Connection refused");
    }

    private static GatewayConfig postgres(String url, String user) {
        return GatewayConfig.load(Map.of("GATEWAY_DB_URL", url, "GATEWAY_DB_USER", user == null ? "postgres" : user,
                "GATEWAY_DB_STARTUP_WAIT_S", "120"), Map.of());
    }

    private static void assertRefusedQuickly(GatewayConfig config, String start, String reason) {
        long started = System.nanoTime();
        assertThatThrownBy(() -> StoreFactory.openAndMigrate(config).close())
                .isInstanceOf(StoreStartException.class)
                .hasMessageStartingWith(start).hasMessageContaining(reason)
                .hasMessageNotContaining("Connection is not available").hasMessageNotContaining("total=");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(NOT_THE_POOL_TIMEOUT);
    }
}
