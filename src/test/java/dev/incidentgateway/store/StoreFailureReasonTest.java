package dev.incidentgateway.store;

import dev.incidentgateway.testsupport.CapturedLogs;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.lang.reflect.Proxy;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A store that goes DOWN while the gateway runs is logged with why, in the operator's terms: a password changed under
 * the running gateway (PostgreSQL 28P01, behind HikariCP's "Connection is not available, request timed out") names
 * GATEWAY_DB_USER / GATEWAY_DB_PASSWORD, as at the start; never the password itself.
 */
class StoreFailureReasonTest {
    /** What HikariCP throws when every attempt to connect was refused: its timeout, the driver's refusal as the cause. */
    private static SQLException poolTimeout(Throwable cause) {
        return new SQLTransientConnectionException("gateway-store - Connection is not available, request timed out after 5000ms "
                + "(total=0, active=0, idle=0, waiting=0)", cause instanceof SQLException s ? s.getSQLState() : null, cause);
    }

    private static SQLException passwordRefused() {
        return new SQLException("FATAL: password authentication failed for user \"gateway_app\"", "28P01");
    }

    @Test
    void aRefusedPasswordNamesTheSettingsAndTheDatabasesOwnWords() {
        String why = StoreFailureReason.of(poolTimeout(passwordRefused()));
        assertThat(why).contains("GATEWAY_DB_USER, GATEWAY_DB_PASSWORD").contains("password authentication failed for user \"gateway_app\"")
                .doesNotContain("timed out");
    }

    @Test
    void anUnreachableDatabaseATimeoutAndALostConnectionAreToldApart() {
        assertThat(StoreFailureReason.of(poolTimeout(new SQLException("The connection attempt failed.", "08001",
                new ConnectException("Connection refused"))))).startsWith("database not reachable").contains("GATEWAY_DB_URL")
                .contains("Connection refused");
        assertThat(StoreFailureReason.of(poolTimeout(null))).startsWith("timeout");
        assertThat(StoreFailureReason.of(new SQLException("An I/O error occurred while sending to the backend.", "08006",
                new SocketTimeoutException("Read timed out")))).startsWith("timeout");
        assertThat(StoreFailureReason.of(new SQLException("This connection has been closed.", "08003")))
                .startsWith("connection to the database lost");
    }

    @Test
    void noSecretFromAMessageReachesTheReason() {
        String why = StoreFailureReason.of(new SQLException("cannot open jdbc:postgresql://gateway_app:s3cret@db:5432/gw?password=s3cret"));
        assertThat(why).doesNotContain("s3cret");
    }

    @Test
    void theProbeLogsTheReasonOnceWhenTheStoreGoesDownAndKeepsItForHealth() throws Exception {
        AtomicReference<SQLException> failure = new AtomicReference<>();
        DataSource ds = (DataSource) Proxy.newProxyInstance(DataSource.class.getClassLoader(), new Class<?>[]{DataSource.class},
                (p, m, a) -> {
                    if (!m.getName().equals("getConnection")) {
                        throw new UnsupportedOperationException(m.getName());
                    }
                    throw failure.get() == null ? new SQLException("no connection in this test") : failure.get();
                });
        failure.set(poolTimeout(passwordRefused()));
        try (CapturedLogs logs = CapturedLogs.of("dev.incidentgateway.store");
             StoreHealthProbe probe = new StoreHealthProbe(ds, Duration.ofMillis(20), Duration.ofMillis(100))) {
            await().atMost(Duration.ofSeconds(5)).until(probe::lastProbeFailed);
            Thread.sleep(200); // several more failed probes: still one line
            List<String> warnings = logs.lines(e -> e.getLevel().toString().equals("WARN"));
            assertThat(warnings).singleElement().asString()
                    .contains("GATEWAY_DB_USER, GATEWAY_DB_PASSWORD").contains("password authentication failed").contains("DOWN");
            assertThat(probe.failure()).hasValueSatisfying(r -> assertThat(r).contains("GATEWAY_DB_PASSWORD"));
        }
    }
}
