package dev.incidentgateway.cli;

import dev.incidentgateway.config.GatewayConfig;
import dev.incidentgateway.config.StoreSettings;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

/**
 * Tells whether another process (a running gateway) holds the embedded H2 file. One connection attempt,
 * answered at once by H2's file lock, instead of the start-up wait for the store
 * ({@code GATEWAY_DB_STARTUP_WAIT_S}), which is meant for a database that is still starting.
 */
public final class EmbeddedStoreLock {
    /** H2's "Database may be already in use" (ErrorCode.DATABASE_ALREADY_OPEN_1). */
    static final int DATABASE_ALREADY_OPEN = 90020;

    private EmbeddedStoreLock() {
    }

    public static boolean heldByAnotherProcess(GatewayConfig config) {
        String url = config.get(StoreSettings.DB_URL);
        if (ControlChannel.directoryFor(url).isEmpty()) {
            return false;
        }
        // IFEXISTS: the probe must not create the store (nor its directory, with the default permissions) when
        // there is none yet; "not found" means no one holds it, and the command then creates it properly.
        // TRACE_LEVEL_FILE=0: the refusal we expect must not leave an H2 trace file (default permissions) behind.
        String upper = url.toUpperCase(java.util.Locale.ROOT);
        String probe = url + (upper.contains("IFEXISTS") ? "" : ";IFEXISTS=TRUE") + (upper.contains("TRACE_LEVEL_FILE") ? "" : ";TRACE_LEVEL_FILE=0");
        try (Connection ignored = DriverManager.getConnection(probe, config.get(StoreSettings.DB_USER), config.get(StoreSettings.DB_PASSWORD))) {
            return false;
        } catch (SQLException e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof SQLException s && s.getErrorCode() == DATABASE_ALREADY_OPEN) {
                    return true;
                }
            }
            return false; // another problem: opening the store the usual way reports it
        }
    }
}
