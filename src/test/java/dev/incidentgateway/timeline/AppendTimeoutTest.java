package dev.incidentgateway.timeline;

import com.zaxxer.hikari.HikariDataSource;
import dev.incidentgateway.store.SqlDialect;
import dev.incidentgateway.store.StoreFactory;
import dev.incidentgateway.testsupport.TestStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.logging.Logger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The append timeout: a caller waits at most that long; a request its caller gave up on while it was still queued
 * is dropped unwritten; one already taken into a transaction may still commit (hence "outcome unknown").
 * A store-wide failure fails the whole group at once.
 */
class AppendTimeoutTest {

    /** A data source whose getConnection waits while the gate is closed (a store that hangs), or fails when told to. */
    static final class GatedDataSource implements DataSource {
        final DataSource target;
        final Semaphore gate = new Semaphore(0);
        final CountDownLatch waiting = new CountDownLatch(1);
        volatile boolean gated;
        volatile boolean failing;

        GatedDataSource(DataSource target) {
            this.target = target;
        }

        @Override
        public Connection getConnection() throws SQLException {
            if (failing) {
                throw new SQLTransientConnectionException("pool timeout", "08001");
            }
            if (gated) {
                waiting.countDown();
                gate.acquireUninterruptibly();
                gate.release();
            }
            return target.getConnection();
        }

        @Override
        public Connection getConnection(String u, String p) throws SQLException {
            return getConnection();
        }

        @Override public PrintWriter getLogWriter() { return null; }
        @Override public void setLogWriter(PrintWriter out) { }
        @Override public void setLoginTimeout(int seconds) { }
        @Override public int getLoginTimeout() { return 0; }
        @Override public Logger getParentLogger() throws SQLFeatureNotSupportedException { throw new SQLFeatureNotSupportedException(); }
        @Override public <T> T unwrap(Class<T> iface) throws SQLException { throw new SQLException("no"); }
        @Override public boolean isWrapperFor(Class<?> iface) { return false; }
    }

    private static NewEvent declare(String id) {
        return NewEvent.builder(EventType.DECLARE, "alice").incident(id).title("t").severity(Severity.SEV2).build();
    }

    @Test
    void aTimedOutQueuedAppendIsDroppedWhileOneAlreadyInATransactionMayCommit() throws Exception {
        try (TestStore testStore = TestStore.create(TestStore.Kind.H2);
             HikariDataSource ds = StoreFactory.openAndMigrate(testStore.config())) {
            GatedDataSource gated = new GatedDataSource(ds);
            TimelineStore store = new TimelineStore(gated, SqlDialect.H2, "dev.incidentgateway", 16, 100,
                    new SimpleMeterRegistry(), testStore.chainKey(), List.of()).withAppendTimeout(Duration.ofMillis(300));
            try {
                gated.gated = true;
                CompletableFuture<Throwable> inTransaction = CompletableFuture.supplyAsync(() -> failureOf(() -> store.append(declare("TX-1"))));
                gated.waiting.await(); // the writer took TX-1 and waits for a connection
                Throwable queued = failureOf(() -> store.append(declare("Q-1")));

                assertThat(inTransaction.get()).isInstanceOf(AppendOutcomeUnknownException.class);
                assertThat(queued).isInstanceOf(AppendOutcomeUnknownException.class);
                gated.gated = false;
                gated.gate.release();
                store.withAppendTimeout(Duration.ofSeconds(30)).append(declare("AFTER-1")); // the writer has passed Q-1 once this commits
                assertThat(store.incident("TX-1")).as("taken into a transaction before its caller gave up: committed").isPresent();
                assertThat(store.incident("Q-1")).as("still queued when its caller gave up: dropped unwritten").isEmpty();
            } finally {
                store.close();
            }
        }
    }

    @Test
    void aConnectionThatCannotBeHadFailsTheWholeGroupAtOnceAsNotStored() throws Exception {
        try (TestStore testStore = TestStore.create(TestStore.Kind.H2);
             HikariDataSource ds = StoreFactory.openAndMigrate(testStore.config())) {
            GatedDataSource gated = new GatedDataSource(ds);
            TimelineStore store = new TimelineStore(gated, SqlDialect.H2, "dev.incidentgateway", 16, 100,
                    new SimpleMeterRegistry(), testStore.chainKey(), List.of()).withAppendTimeout(Duration.ofSeconds(30));
            try {
                gated.failing = true;
                List<CompletableFuture<Throwable>> group = new java.util.ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    String id = "G-" + i;
                    group.add(CompletableFuture.supplyAsync(() -> failureOf(() -> store.append(declare(id)))));
                }
                for (CompletableFuture<Throwable> f : group) {
                    // No connection, so nothing was sent: a known "not stored" (503 store-unavailable), not an unknown outcome.
                    assertThat(f.get()).isInstanceOf(StoreUnreachableException.class)
                            .hasRootCauseInstanceOf(SQLTransientConnectionException.class);
                }
                gated.failing = false;
                assertThat(store.append(declare("OK-1")).kind()).isEqualTo(AppendOutcome.Kind.APPENDED);
                for (int i = 0; i < 8; i++) {
                    assertThat(store.incident("G-" + i)).isEmpty();
                }
            } finally {
                store.close();
            }
        }
    }

    @Test
    void onlyConnectionTimeoutAndCancelFailuresCountAsStoreWide() {
        assertThat(StoreFailures.isStoreWide(new SQLTransientConnectionException("pool timeout"))).isTrue();
        assertThat(StoreFailures.isStoreWide(new SQLException("I/O error", "08006"))).isTrue();
        assertThat(StoreFailures.isStoreWide(new SQLException("canceling statement due to statement timeout", "57014"))).isTrue();
        assertThat(StoreFailures.isStoreWide(new SQLException("wrap", "XX000", new java.net.SocketTimeoutException("Read timed out")))).isTrue();
        assertThat(StoreFailures.isStoreWide(new SQLException("value too long", "22001"))).isFalse();
        assertThat(StoreFailures.isStoreWide(new SQLException("duplicate key", "23505"))).isFalse();
        assertThat(StoreFailures.isStoreWide(new SQLException("no state"))).isFalse();
    }

    private static Throwable failureOf(Runnable r) {
        try {
            r.run();
            return null;
        } catch (RuntimeException e) {
            return e;
        }
    }
}
