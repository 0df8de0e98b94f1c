package dev.incidentgateway.store;

import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Ends an embedded H2 transaction that changed nothing with a commit where the caller asked for a rollback.
 *
 * <p>Why: H2 (2.5) empties a session's cache of parsed statements on every rollback ({@code SessionLocal.rollbackTo}
 * clears {@code queryCache}), whatever the transaction did. The reads that end their transaction with {@code rollback()}
 * (the Since feed and timeline pages, the live stream's replay, the SLA scans) therefore parsed and planned their
 * statement anew on every use of a pooled connection: about 14 % of what a Since page of 100 allocated on a 1M-event
 * store, and 10–50 µs of CPU per read (bench/README.md, Scale, session 41). For a transaction without changes a commit
 * ends it the same way and keeps the parsed statements. A transaction with changes (or row locks, which H2 records as
 * changes) is rolled back as asked.
 */
final class H2ReadOnlyRollback {
    private H2ReadOnlyRollback() {
    }

    /**
     * Commits {@code h2} (a connection of H2's own, not a wrapper that adds work to commits) instead of rolling it back
     * when its open transaction holds no change; false when the caller's rollback should go ahead: auto-commit on (H2
     * then refuses the rollback itself), a remote session, or changes to undo.
     */
    static boolean committedInstead(Connection h2) throws SQLException {
        if (h2.isClosed() || h2.getAutoCommit()
                || !(h2.unwrap(JdbcConnection.class).getSession() instanceof SessionLocal session)
                || session.hasPendingTransaction()) {
            return false;
        }
        h2.commit();
        return true;
    }
}
