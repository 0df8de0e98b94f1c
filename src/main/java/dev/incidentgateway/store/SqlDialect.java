package dev.incidentgateway.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Locale;

/**
 * The few statements that differ between the embedded H2 store and PostgreSQL; everything else is
 * standard SQL shared by both.
 */
public enum SqlDialect {
    H2("SELECT NEXT VALUE FOR incident_number_seq", "SELECT n, EXISTS (SELECT 1 FROM incidents WHERE id = CONCAT('INC-', n)) FROM "
            + "(SELECT NEXT VALUE FOR incident_number_seq AS n FROM SYSTEM_RANGE(1, ?)) AS reserved", null,
            "MERGE INTO incidents (" + Columns.INCIDENT + ") KEY (id) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            "MERGE INTO source_watermarks (source, watermark, updated_at) KEY (source) VALUES (?, ?, ?)"),
    POSTGRESQL("SELECT nextval('incident_number_seq')", "SELECT n, EXISTS (SELECT 1 FROM incidents WHERE id = 'INC-' || n) FROM "
            + "(SELECT nextval('incident_number_seq') AS n FROM generate_series(1, ?)) AS reserved",
            // Serializes appends of every gateway instance sharing the database, so ids are handed out
            // in commit order across processes too (see TimelineWriter). Released at commit/rollback.
            "SELECT pg_advisory_xact_lock(7310117)",
            "INSERT INTO incidents (" + Columns.INCIDENT + ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?) " + Columns.INCIDENT_CONFLICT_UPDATE,
            "INSERT INTO source_watermarks (source, watermark, updated_at) VALUES (?, ?, ?) ON CONFLICT (source) DO UPDATE "
                    + "SET watermark = EXCLUDED.watermark, updated_at = EXCLUDED.updated_at");

    /** Column list of the incidents view, in the order TimelineRows binds them. */
    public static final class Columns {
        public static final String INCIDENT = "id, title, severity, status, commander, declared_at, acknowledged_at, "
                + "mitigated_at, resolved_at, closed_at, last_event_id, last_seq, last_hash, alert_repeats";
        /** PostgreSQL: what an upsert of incident rows does to an incident that exists (every column but id replaced). */
        public static final String INCIDENT_CONFLICT_UPDATE = "ON CONFLICT (id) DO UPDATE SET "
                + "title = EXCLUDED.title, severity = EXCLUDED.severity, status = EXCLUDED.status, commander = EXCLUDED.commander, "
                + "declared_at = EXCLUDED.declared_at, acknowledged_at = EXCLUDED.acknowledged_at, "
                + "mitigated_at = EXCLUDED.mitigated_at, resolved_at = EXCLUDED.resolved_at, closed_at = EXCLUDED.closed_at, "
                + "last_event_id = EXCLUDED.last_event_id, last_seq = EXCLUDED.last_seq, last_hash = EXCLUDED.last_hash, "
                + "alert_repeats = EXCLUDED.alert_repeats";

        private Columns() {
        }
    }

    private final String nextIncidentNumber;
    private final String appendLock;
    private final String upsertIncident;
    private final String nextIncidentNumbers;
    private final String upsertWatermark;

    SqlDialect(String nextIncidentNumber, String nextIncidentNumbers, String appendLock, String upsertIncident, String upsertWatermark) {
        this.nextIncidentNumber = nextIncidentNumber;
        this.nextIncidentNumbers = nextIncidentNumbers;
        this.appendLock = appendLock;
        this.upsertIncident = upsertIncident;
        this.upsertWatermark = upsertWatermark;
    }

    /** Insert-or-update of a polling source's watermark (source, watermark, updated_at). */
    public String upsertWatermarkSql() {
        return upsertWatermark;
    }

    /** Insert-or-update of one incident view row, bound like an insert (id first). */
    public String upsertIncidentSql() {
        return upsertIncident;
    }

    /** The newest event's id and global hash (no row: empty log), read through the primary key index. */
    public static final String HEAD_OF_LOG_SQL = "SELECT id, global_hash FROM timeline_events ORDER BY id DESC LIMIT 1";

    /**
     * Takes the append lock (where there is one) and then reads the head of the log (largest event id and its
     * global hash), in one round trip: two statements in one string, so the read runs, with its own snapshot, only
     * after the lock is held.
     */
    public String lockThenReadHeadSql() {
        return appendLock == null ? HEAD_OF_LOG_SQL : appendLock + "; " + HEAD_OF_LOG_SQL;
    }

    public static SqlDialect forUrl(String jdbcUrl) {
        return jdbcUrl.startsWith("jdbc:postgresql:") ? POSTGRESQL : H2;
    }

    public String nextIncidentNumberSql() {
        return nextIncidentNumber;
    }

    /**
     * {@code n} numbers of the incident sequence in one statement, for a group's new incidents, each with whether an
     * incident {@code INC-<n>} exists already (a caller chose that id by hand): one statement where the numbers and then
     * their views were two (issue 13). Prepared and bound; on PostgreSQL {@code n} is written into the statement instead:
     * bound, it left PostgreSQL's generic plan counting on 1,000 rows from {@code generate_series} (and hashing the whole
     * {@code incidents} table for the taken check), so PostgreSQL planned the statement anew at every call, about 0.1 ms
     * of server CPU each (bench/README.md, Append benchmark, session 45); with a constant each group size keeps its plan.
     * {@code n} is a count the writer computes, never input.
     */
    public PreparedStatement prepareNextIncidentNumbers(Connection connection, int n) throws SQLException {
        if (n < 1) {
            throw new IllegalArgumentException("at least one number, not " + n);
        }
        if (this == POSTGRESQL) {
            return connection.prepareStatement(nextIncidentNumbers.replace("?", Integer.toString(n)));
        }
        PreparedStatement ps = connection.prepareStatement(nextIncidentNumbers);
        try {
            ps.setInt(1, n);
        } catch (SQLException e) {
            ps.close();
            throw e;
        }
        return ps;
    }

    /** Statement taking the cross-process append lock, or {@code null} when the database is single-process. */
    public String appendLockSql() {
        return appendLock;
    }

    public String flywayVendor() {
        return name().toLowerCase(Locale.ROOT);
    }
}
