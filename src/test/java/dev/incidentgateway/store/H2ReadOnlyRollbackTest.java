package dev.incidentgateway.store;

import com.zaxxer.hikari.HikariDataSource;
import dev.incidentgateway.testsupport.TestStore;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The embedded store's connections end a transaction that changed nothing with a commit when asked for a rollback, so
 * H2 keeps the session's parsed statements (a rollback empties that cache); a transaction with changes or row locks is
 * still rolled back.
 */
class H2ReadOnlyRollbackTest {
    private static final String READ = "SELECT v FROM scratch WHERE id > ? ORDER BY id LIMIT 10";

    @Test
    void aReadOnlyTransactionEndedWithRollbackKeepsItsStatementParsed() throws Exception {
        try (TestStore store = TestStore.create(TestStore.Kind.H2); HikariDataSource ds = StoreFactory.openAndMigrate(store.config())) {
            createScratch(ds);
            try (Connection c = ds.getConnection()) {
                c.setAutoCommit(false);
                read(c);
                c.rollback();
                assertThat(parsedStatements(c)).as("H2's parsed statements after the read's rollback").containsKey(READ);
                read(c); // the connection goes on as usual
                c.rollback();
                assertThat(c.getAutoCommit()).isFalse();
            }
        }
    }

    @Test
    void aTransactionWithChangesIsStillRolledBack() throws Exception {
        try (TestStore store = TestStore.create(TestStore.Kind.H2); HikariDataSource ds = StoreFactory.openAndMigrate(store.config())) {
            createScratch(ds);
            try (Connection c = ds.getConnection()) {
                c.setAutoCommit(false);
                read(c);
                try (Statement s = c.createStatement()) {
                    s.executeUpdate("INSERT INTO scratch VALUES (2, 20)");
                }
                c.rollback();
                try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM scratch")) {
                    rs.next();
                    assertThat(rs.getInt(1)).as("rows after rolling back an insert").isEqualTo(1);
                }
            }
        }
    }

    @Test
    void aRowLockTakenInTheTransactionIsReleasedByTheRollback() throws Exception {
        try (TestStore store = TestStore.create(TestStore.Kind.H2); HikariDataSource ds = StoreFactory.openAndMigrate(store.config())) {
            createScratch(ds);
            try (Connection locker = ds.getConnection(); Connection other = ds.getConnection()) {
                locker.setAutoCommit(false);
                try (Statement s = locker.createStatement(); ResultSet rs = s.executeQuery("SELECT v FROM scratch WHERE id = 1 FOR UPDATE")) {
                    rs.next();
                }
                locker.rollback();
                try (Statement s = other.createStatement()) {
                    s.execute("SET LOCK_TIMEOUT 500"); // a lock still held fails this update after 0.5 s
                    assertThat(s.executeUpdate("UPDATE scratch SET v = 11 WHERE id = 1")).isEqualTo(1);
                }
            }
        }
    }

    private static void createScratch(HikariDataSource ds) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE scratch (id INT PRIMARY KEY, v INT)");
            s.execute("INSERT INTO scratch VALUES (1, 10)");
        }
    }

    private static void read(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(READ)) {
            ps.setInt(1, 0);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
            }
        }
    }

    /** H2's per-session cache of parsed statements, by SQL text (SessionLocal.queryCache: no public accessor). */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> parsedStatements(Connection c) throws Exception {
        SessionLocal session = (SessionLocal) c.unwrap(JdbcConnection.class).getSession();
        Field cache = SessionLocal.class.getDeclaredField("queryCache");
        cache.setAccessible(true);
        Map<String, Object> map = (Map<String, Object>) cache.get(session);
        return map == null ? Map.of() : map;
    }
}
