package dev.incidentgateway.timeline;

import dev.incidentgateway.store.SqlDialect;
import dev.incidentgateway.store.SqlLists;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The incident views a group transaction starts from, loaded once per group: from the group in flight (the views it
 * will leave when it commits), else from the writer's memory of recent commits, else with one {@code SELECT} for all
 * the group names. A {@code null} value: the incident does not exist.
 */
final class GroupViews {
    /**
     * PostgreSQL: one array parameter, each incident fetched by primary key. A cached generic plan of {@code id IN
     * (?, …)} chosen while the table was small is a sequential scan comparing every row with every parameter, and it
     * stays cached as the table grows: loading a fresh store it took 30 → 70 ms a group between 100k and 300k events
     * (bench/README.md, Scale, session 23). {@code OFFSET 0} keeps the lateral subquery from being flattened into a join.
     */
    static final String PRELOAD_PG = "SELECT i.* FROM unnest(CAST(? AS varchar[])) AS wanted(id) JOIN LATERAL (SELECT "
            + TimelineRows.INCIDENT_COLUMNS + " FROM incidents WHERE id = wanted.id OFFSET 0) i ON TRUE";

    private final Connection reads;
    private final SqlDialect dialect;
    private final WriterMemory memory;
    /** The views the group this one is staged on will leave ({@code null}: staged on the store as committed). */
    private final Map<String, Incident> inFlight;
    private final Map<String, Incident> before = new HashMap<>();

    GroupViews(Connection reads, SqlDialect dialect, WriterMemory memory, Map<String, Incident> inFlight) {
        this.reads = reads;
        this.dialect = dialect;
        this.memory = memory;
        this.inFlight = inFlight;
    }

    /**
     * Incidents the store had no row for when their numbers were reserved: their views are the group in flight's, or none
     * (no query). The writer's memory holds only views that were committed, so it has none of these.
     */
    void absentFromStore(Collection<String> incidentIds) {
        for (String id : incidentIds) {
            if (!before.containsKey(id)) {
                before.put(id, inFlight == null ? null : inFlight.get(id));
            }
        }
    }

    /** Loads the views of the named incidents (one query for those neither in flight nor remembered). */
    void preload(Collection<String> incidentIds) throws SQLException {
        for (String id : incidentIds) {
            if (id == null || before.containsKey(id)) {
                continue;
            }
            Incident known = inFlight != null && inFlight.containsKey(id) ? inFlight.get(id) : memory.view(id);
            if (known != null) {
                before.put(id, known);
            }
        }
        List<String> missing = incidentIds.stream().filter(id -> id != null && !before.containsKey(id)).distinct().toList();
        if (missing.isEmpty()) {
            return;
        }
        boolean pg = dialect == SqlDialect.POSTGRESQL;
        List<String> keys = pg ? missing : SqlLists.padded(missing);
        try (PreparedStatement ps = reads.prepareStatement(pg ? PRELOAD_PG
                : "SELECT " + TimelineRows.INCIDENT_COLUMNS + " FROM incidents WHERE id IN (" + SqlLists.marks(keys.size()) + ")")) {
            if (pg) {
                ps.setArray(1, reads.createArrayOf("varchar", keys.toArray()));
            } else {
                for (int i = 0; i < keys.size(); i++) {
                    ps.setString(i + 1, keys.get(i));
                }
            }
            missing.forEach(id -> before.put(id, null));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Incident incident = TimelineRows.readIncident(rs);
                    before.put(incident.id(), incident);
                }
            }
        }
    }

    /** The view of an incident before this group ({@code null}: none), loaded if not yet. */
    Incident get(String incidentId) throws SQLException {
        if (!before.containsKey(incidentId)) {
            preload(List.of(incidentId));
        }
        return before.get(incidentId);
    }

    /** Every view loaded so far, as it was before this group: what the status counts move from. */
    Map<String, Incident> loaded() {
        return before;
    }
}
