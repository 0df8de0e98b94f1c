package dev.incidentgateway.store;

import com.zaxxer.hikari.HikariDataSource;
import dev.incidentgateway.testsupport.TestStore;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * PostgreSQL (GATEWAY_TEST_PG_URL; skipped visibly without it, failed in CI): the writer's reservation of a group's
 * incident numbers keeps its plan. With the count bound as a parameter, PostgreSQL's generic plan assumed 1,000 rows and
 * hashed the whole incidents table for the taken check, so it planned the statement anew at every call (about 0.1 ms of
 * server CPU each, a sixth of the server's statement time per new alert; bench/README.md, Append benchmark, session 45).
 */
class IncidentNumberPlansPostgresIT {

    @Test
    void aGroupSizesReservationIsPlannedOnceNotAtEveryCall() throws Exception {
        try (TestStore testStore = TestStore.create(TestStore.Kind.POSTGRESQL);
             HikariDataSource ds = StoreFactory.openAndMigrate(testStore.config());
             Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            // A store of some size with fresh statistics, where a generic plan's hash of the table costs more than probes.
            s.execute("INSERT INTO incidents (id, title, severity, status, declared_at, last_event_id, last_seq, last_hash) "
                    + "SELECT 'INC-' || g, 'disk full', 'sev3', 'declared', now(), lpad(g::text, 26, '0'), 1, repeat('0', 64) "
                    + "FROM generate_series(1, 20000) g");
            s.execute("SELECT setval('incident_number_seq', 19990)"); // the next ones: 10 taken, then free
            s.execute("ANALYZE incidents");

            Set<Long> numbers = new HashSet<>();
            int taken = 0;
            for (int call = 0; call < 12; call++) { // PgJDBC prepares on the server from the 5th call on
                try (PreparedStatement ps = SqlDialect.POSTGRESQL.prepareNextIncidentNumbers(c, 16);
                     ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        numbers.add(rs.getLong(1));
                        taken += rs.getBoolean(2) ? 1 : 0;
                    }
                }
            }
            assertThat(numbers).hasSize(12 * 16);
            assertThat(taken).as("numbers under which an incident existed").isEqualTo(10);

            try (ResultSet rs = s.executeQuery("SELECT generic_plans, custom_plans FROM pg_prepared_statements "
                    + "WHERE statement LIKE '%incident_number_seq%'")) {
                assertThat(rs.next()).as("the reservation is a server-side prepared statement").isTrue();
                assertThat(rs.getLong("custom_plans")).as("calls planned anew").isZero();
                assertThat(rs.getLong("generic_plans")).as("calls on the kept plan").isGreaterThanOrEqualTo(5);
            }
        }
    }
}
