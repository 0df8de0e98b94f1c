package dev.incidentgateway.store;

import com.zaxxer.hikari.HikariDataSource;
import dev.incidentgateway.testsupport.TestStore;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.MVStore;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The H2 store's incident numbers (V15_9): drawing them does not write the store file each time H2's in-memory block of
 * numbers runs out (with WRITE_DELAY=0 such a write was a whole chunk, on the writer thread, every second group of new
 * alerts), and a clean stop leaves no gap.
 */
class H2IncidentNumberCacheTest {

    @Test
    void drawingAGroupsNumbersDoesNotWriteTheStoreEachTime() throws Exception {
        try (TestStore testStore = TestStore.create(TestStore.Kind.H2);
             HikariDataSource ds = StoreFactory.openAndMigrate(testStore.config());
             Connection c = ds.getConnection()) { // auto-commit, like a pipelined group's lookups
            MVStore store = mvStore(c);
            long before = store.getCurrentVersion();
            List<Long> drawn = new ArrayList<>();
            for (int group = 0; group < 40; group++) {
                drawn.addAll(draw(c, 23)); // 920 numbers in groups of a webhook burst's size
            }
            // H2's default block of 32 numbers wrote the store 29 times here.
            assertThat(store.getCurrentVersion() - before).as("store versions written while drawing").isLessThanOrEqualTo(2);
            assertThat(drawn).doesNotHaveDuplicates().hasSize(920);
        }
    }

    @Test
    void numberingGoesOnWithoutAGapAfterACleanStop() throws Exception {
        try (TestStore testStore = TestStore.create(TestStore.Kind.H2)) {
            long last;
            try (HikariDataSource ds = StoreFactory.openAndMigrate(testStore.config()); Connection c = ds.getConnection()) {
                List<Long> drawn = draw(c, 5);
                last = drawn.get(drawn.size() - 1);
            }
            try (HikariDataSource ds = StoreFactory.openAndMigrate(testStore.config()); Connection c = ds.getConnection()) {
                assertThat(draw(c, 1)).containsExactly(last + 1);
            }
        }
    }

    private static List<Long> draw(Connection c, int n) throws SQLException {
        List<Long> out = new ArrayList<>(n);
        try (PreparedStatement ps = SqlDialect.H2.prepareNextIncidentNumbers(c, n)) {
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getLong(1));
                }
            }
        }
        return out;
    }

    private static MVStore mvStore(Connection c) throws SQLException {
        SessionLocal session = (SessionLocal) c.unwrap(JdbcConnection.class).getSession();
        return session.getDatabase().getStore().getMvStore();
    }
}
