package dev.incidentgateway.store;

import com.zaxxer.hikari.HikariDataSource;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Makes sure one gateway instance does a job at a time (polls a source, consumes a feed). On PostgreSQL: a
 * session-level advisory lock held on a dedicated connection while this instance leads; if the instance dies, its
 * session ends, the lock is released, and another instance takes it at its next try. The embedded H2 store belongs
 * to one process, so there this instance always leads.
 */
public final class AdvisoryLease implements AutoCloseable {
    /** The lock class of the pollers' leases, one lock per source name. */
    public static final int SOURCE_POLLERS = 7310118;
    /** The lock class of the {@code timeline:events} consumers' leases, one lock per consumer name. */
    public static final int FEED_CONSUMERS = 7310119;

    private final DataSource dataSource;
    private final boolean shared;
    private final int lockClass;
    private final int key;
    private Connection held;

    /** The lease of the job {@code name} among the jobs of {@code lockClass}. */
    public AdvisoryLease(DataSource dataSource, SqlDialect dialect, int lockClass, String name) {
        this.dataSource = dataSource;
        this.shared = dialect == SqlDialect.POSTGRESQL;
        this.lockClass = lockClass;
        this.key = name.hashCode();
    }

    /** True when this instance holds (or just took) the lock. */
    public boolean acquire() {
        if (!shared) {
            return true;
        }
        try {
            if (held != null && held.isValid(2)) {
                return true;
            }
            release();
            Connection c = dataSource.getConnection();
            try (PreparedStatement ps = c.prepareStatement("SELECT pg_try_advisory_lock(?, ?)")) {
                ps.setInt(1, lockClass);
                ps.setInt(2, key);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next() && rs.getBoolean(1)) {
                        held = c;
                        return true;
                    }
                }
            } finally {
                if (held != c) {
                    c.close(); // not taken, also when the query failed: a connection kept here was lost to the pool for good
                }
            }
            return false;
        } catch (SQLException e) {
            release();
            return false;
        }
    }

    public boolean isLeader() {
        return !shared || held != null;
    }

    /**
     * Gives up the held connection without its lock. HikariCP does not reset a session's advisory locks when a connection
     * comes back: one given back still holding the lock kept every instance from leading (this one too, on its other
     * connections) until the pool retired it, up to 30 minutes later. So the session lets go of its locks first, and a
     * connection that cannot say so (broken, or too slow to answer) is evicted: closing it for real ends the session.
     */
    private void release() {
        if (held != null) {
            Connection c = held;
            held = null;
            try (Statement s = c.createStatement()) {
                s.execute("SELECT pg_advisory_unlock_all()");
            } catch (SQLException e) {
                evict(c);
                return;
            }
            try {
                c.close();
            } catch (SQLException ignored) {
                // the connection is gone; so is the lock
            }
        }
    }

    private void evict(Connection c) {
        try {
            if (dataSource.isWrapperFor(HikariDataSource.class)) {
                dataSource.unwrap(HikariDataSource.class).evictConnection(c);
                return;
            }
        } catch (SQLException | RuntimeException notThePool) {
            // closed below
        }
        try {
            c.close();
        } catch (SQLException ignored) {
            // the connection is gone; so is the lock
        }
    }

    /** Lets go of the lock: {@link #release} unlocks every lock of the held session, this one included. */
    @Override
    public void close() {
        release();
    }
}
