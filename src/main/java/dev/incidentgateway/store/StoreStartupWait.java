package dev.incidentgateway.store;

import dev.incidentgateway.config.StoreSettings;
import dev.incidentgateway.lifecycle.ShutdownSignals;
import dev.incidentgateway.security.Redact;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;

/**
 * Waits at start for the store to accept a connection (a database that starts next to the gateway, or an H2 file whose
 * lock a killed process left behind: H2 needs a few seconds to see that its owner is gone), on the driver's own
 * connections rather than the pool's. The pool's {@code getConnection} waits out its whole connection timeout (5 s)
 * before it reports anything, even a refusal that no waiting changes, so a wrong password took 5 s to report and the
 * start-up wait overshot by up to 5 s; and it wrapped the driver's reason in "Connection is not available, request
 * timed out … (total=0, active=0, …)". The pool's own timeouts stay as the server needs them.
 */
final class StoreStartupWait {
    private static final Logger LOG = LoggerFactory.getLogger(StoreStartupWait.class);
    /** Between attempts: a server that refuses the TCP connection (not up yet) answers at once. */
    static final Duration PAUSE = Duration.ofMillis(250);

    private StoreStartupWait() {
    }

    /**
     * Returns once one connection succeeded; throws {@link StoreStartException} at once on a refusal no waiting changes
     * ({@link #refusal}), or when {@code patience} is over.
     */
    static void await(String url, String user, String password, boolean postgres, Duration patience) {
        long deadline = System.nanoTime() + patience.toNanos();
        String logged = null;
        while (true) {
            Duration left = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
            try (Connection c = DriverManager.getConnection(url, properties(user, password, postgres, left))) {
                return;
            } catch (SQLException e) {
                String reason = Redact.text(cause(e));
                String refusal = refusal(e);
                if (refusal != null) {
                    throw new StoreStartException("the store refused the gateway (" + refusal + "): " + reason, e);
                }
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    throw new StoreStartException("the store did not accept a connection within " + patience.toSeconds()
                            + " s (" + StoreSettings.DB_STARTUP_WAIT_S.env() + "): " + reason, e);
                }
                if (!reason.equals(logged)) { // once per reason, not every attempt
                    LOG.info("Waiting for the store (up to {} s, {}): {}", patience.toSeconds(), StoreSettings.DB_STARTUP_WAIT_S.env(), reason);
                    logged = reason;
                }
                pause(Math.min(PAUSE.toMillis(), Math.max(1, remaining / 1_000_000)));
            }
        }
    }

    /**
     * PostgreSQL's connect and login timeouts (whole seconds) bound one attempt by what is left of the wait, at most the
     * pool's own connect timeout, so a server that answers nothing does not hold the start past the wait.
     */
    private static Properties properties(String user, String password, boolean postgres, Duration left) {
        Properties p = new Properties();
        p.setProperty("user", user);
        p.setProperty("password", password);
        if (postgres) {
            long seconds = Math.max(1, Math.min(StoreTimeouts.CONNECT.toSeconds(), (left.toMillis() + 999) / 1000));
            p.setProperty("connectTimeout", Long.toString(seconds));
            p.setProperty("loginTimeout", Long.toString(seconds));
        }
        return p;
    }

    /** Between attempts; a stop request (SIGTERM at start) ends the wait at once rather than when it is over. */
    private static void pause(long millis) {
        try {
            if (ShutdownSignals.awaitStopRequest(millis)) {
                throw new StoreStartException.Stopped("Stopped while waiting for the store: nothing was started");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreStartException("interrupted while waiting for the store", e);
        }
    }

    /**
     * What no amount of waiting changes, by SQLState anywhere in the causes: invalid authorization (class 28: user or
     * password, as PostgreSQL and H2 report it) or a database that does not exist (3D000). Null for anything else (the
     * server not up yet, a network problem, a held H2 file lock): those are waited out.
     */
    static String refusal(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                String state = sql.getSQLState();
                if (state.startsWith("28")) {
                    return "wrong user or password: " + StoreSettings.DB_USER.env() + ", " + StoreSettings.DB_PASSWORD.env();
                }
                if (state.equals("3D000")) {
                    return "no such database: check " + StoreSettings.DB_URL.env();
                }
            }
        }
        return null;
    }

    /**
     * The database's own reason (e.g. H2's "Database may be already in use" while another process holds the file)
     * with its root cause (e.g. "Connection refused"), rather than a wrapper's words alone.
     */
    static String cause(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == e ? String.valueOf(e.getMessage()) : e.getMessage() + " (" + root.getMessage() + ")";
    }
}
