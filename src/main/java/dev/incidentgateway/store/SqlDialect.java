package dev.incidentgateway.store;

/**
 * The few statements that differ between the embedded H2 store and PostgreSQL; everything else is
 * standard SQL shared by both.
 */
public enum SqlDialect {
    H2("SELECT NEXT VALUE FOR incident_number_seq", null),
    POSTGRESQL("SELECT nextval('incident_number_seq')",
            // Serializes appends of every gateway instance sharing the database, so ids are handed out
            // in commit order across processes too (see TimelineWriter). Released at commit/rollback.
            "SELECT pg_advisory_xact_lock(7310117)");

    private final String nextIncidentNumber;
    private final String appendLock;

    SqlDialect(String nextIncidentNumber, String appendLock) {
        this.nextIncidentNumber = nextIncidentNumber;
        this.appendLock = appendLock;
    }

    public static SqlDialect forUrl(String jdbcUrl) {
        return jdbcUrl.startsWith("jdbc:postgresql:") ? POSTGRESQL : H2;
    }

    public String nextIncidentNumberSql() {
        return nextIncidentNumber;
    }

    /** Statement taking the cross-process append lock, or {@code null} when the database is single-process. */
    public String appendLockSql() {
        return appendLock;
    }

    public String flywayVendor() {
        return name().toLowerCase();
    }
}
