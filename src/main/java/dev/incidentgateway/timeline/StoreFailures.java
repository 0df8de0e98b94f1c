package dev.incidentgateway.timeline;

import java.net.SocketTimeoutException;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransientConnectionException;

/** Tells a failure of the store itself (every request would fail the same way) from one caused by a request's data. */
public final class StoreFailures {
    private StoreFailures() {
    }

    /**
     * True for a lost or refused connection (SQLState class 08, the pool's connection timeout), a cancelled or
     * timed-out statement (57014 statement_timeout, H2's 57014 QUERY_TIMEOUT), a server shutting down (57P..), or a
     * socket read timeout: retrying the group's requests one by one would only multiply the wait.
     */
    public static boolean isStoreWide(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLTransientConnectionException || t instanceof SQLRecoverableException
                    || t instanceof SQLTimeoutException || t instanceof SocketTimeoutException) {
                return true;
            }
            if (t instanceof SQLException s && s.getSQLState() != null
                    && (s.getSQLState().startsWith("08") || s.getSQLState().startsWith("57"))) {
                return true;
            }
        }
        return false;
    }
}
