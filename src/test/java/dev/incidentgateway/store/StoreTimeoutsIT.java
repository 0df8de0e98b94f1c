package dev.incidentgateway.store;

import com.zaxxer.hikari.HikariDataSource;
import dev.incidentgateway.testsupport.PostgresTestDatabase;
import dev.incidentgateway.testsupport.TestStore;
import dev.incidentgateway.timeline.StoreFailures;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The server's pool carries the statement timeout derived from GATEWAY_APPEND_TIMEOUT_MS; command-line pools do not. */
class StoreTimeoutsIT {
    private static final Map<String, String> ONE_SECOND = Map.of("GATEWAY_APPEND_TIMEOUT_MS", "1000");

    @Test
    void postgresStatementsRunningLongerThanTheAppendTimeoutAreCancelledAsAStoreWideFailure() throws Exception {
        PostgresTestDatabase.assumeAvailable();
        try (TestStore store = TestStore.create(TestStore.Kind.POSTGRESQL);
             HikariDataSource server = StoreFactory.openAndMigrate(store.config(ONE_SECOND), StoreTimeouts.forAppends(store.config(ONE_SECOND)));
             HikariDataSource cli = StoreFactory.open(store.config(ONE_SECOND))) {
            assertThat(single(server, "SHOW statement_timeout")).isEqualTo("1s");
            assertThat(single(cli, "SHOW statement_timeout")).as("command-line tools: no statement timeout").isEqualTo("0");
            assertThatThrownBy(() -> single(server, "SELECT pg_sleep(3)::text"))
                    .isInstanceOfSatisfying(SQLException.class, e -> assertThat(StoreFailures.isStoreWide(e)).isTrue());
        }
    }

    @Test
    void h2GetsTheQueryTimeout() throws Exception {
        try (TestStore store = TestStore.create(TestStore.Kind.H2);
             HikariDataSource server = StoreFactory.openAndMigrate(store.config(ONE_SECOND), StoreTimeouts.forAppends(store.config(ONE_SECOND)))) {
            assertThat(single(server, "SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS WHERE SETTING_NAME = 'QUERY_TIMEOUT'"))
                    .isEqualTo("1000");
        }
    }

    private static String single(HikariDataSource ds, String sql) throws SQLException {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            assertThat(rs.next()).isTrue();
            return rs.getString(1);
        }
    }
}
