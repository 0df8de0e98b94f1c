package dev.incidentgateway.store;

import dev.incidentgateway.config.StoreSettings;
import dev.incidentgateway.security.Redact;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.sql.SQLException;

/**
 * Why the store does not answer, in the operator's terms, for the line that says it went DOWN (and /health's detail):
 * the pool wraps every cause in "Connection is not available, request timed out after 5000ms", which read the same for a
 * password changed under a running gateway as for a paused server. The credential case is classified as at the start
 * ({@link StoreStartupWait#refusal}, SQLState class 28 / 3D000). The database's own words follow, redacted and cut:
 * PostgreSQL's say which user was refused, never the password.
 */
public final class StoreFailureReason {
    private static final int MAX_DETAIL = 160;

    private StoreFailureReason() {
    }

    public static String of(Throwable e) {
        String refusal = StoreStartupWait.refusal(e);
        if (refusal != null) {
            return "credential or database refused (" + refusal + "): " + detail(e);
        }
        Throwable root = e;
        boolean timedOut = false;
        boolean unreachable = false;
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            root = t;
            if (t instanceof ConnectException || t instanceof UnknownHostException || t instanceof NoRouteToHostException) {
                unreachable = true;
            } else if (t instanceof SocketTimeoutException || t instanceof SQLException s && "57014".equals(s.getSQLState())) {
                timedOut = true;
            }
        }
        if (unreachable) {
            return "database not reachable (check " + StoreSettings.DB_URL.env() + " and the network): " + detail(root);
        }
        if (timedOut || String.valueOf(e.getMessage()).contains("timed out")) {
            return "timeout: the database did not answer in time (paused, overloaded or a silent network)";
        }
        if (e instanceof SQLException s && s.getSQLState() != null && s.getSQLState().startsWith("08")) {
            return "connection to the database lost: " + detail(root);
        }
        return "the store failed: " + detail(root);
    }

    /** The innermost message (the database's or the network's own words), redacted and cut to one short line. */
    private static String detail(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String text = String.valueOf(root.getMessage()).lines().findFirst().orElse("").strip();
        return Redact.cut(Redact.text(text), MAX_DETAIL);
    }
}
