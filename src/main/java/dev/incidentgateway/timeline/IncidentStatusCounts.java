package dev.incidentgateway.timeline;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The number of incidents in each status, kept in {@code incident_status_counts} (V13_4) by the writer in the same
 * transaction as the views it changes, so {@code GET /api/v1/stats} reads five rows instead of counting every incident
 * (≈ 0.1 s at 100k incidents; bench/README.md, Scale). Only the single writer ({@link TimelineWriter}, under the append
 * lock) and {@link ViewRebuilder} change the views, so these are the only places that move the counts.
 */
final class IncidentStatusCounts {
    private IncidentStatusCounts() {
    }

    /** Moves the counts by {@link #delta} (nothing to do when it is empty). */
    static void apply(Connection connection, Map<IncidentStatus, Long> delta) throws SQLException {
        if (delta.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = connection.prepareStatement(
                "UPDATE incident_status_counts SET incidents = incidents + ? WHERE status = ?")) {
            for (Map.Entry<IncidentStatus, Long> d : delta.entrySet()) {
                ps.setLong(1, d.getValue());
                ps.setString(2, d.getKey().wireName());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /**
     * By how much a transaction moves each status's count (statuses it does not move are absent): each changed view counts
     * in its new status and no longer in the one it had when the transaction started ({@code before}: the committed views,
     * {@code null} for a new incident).
     */
    static Map<IncidentStatus, Long> delta(Map<String, Incident> before, Collection<Incident> after) {
        Map<IncidentStatus, Long> delta = new EnumMap<>(IncidentStatus.class);
        for (Incident now : after) {
            Incident was = before.get(now.id());
            if (was != null && was.status() == now.status()) {
                continue;
            }
            if (was != null) {
                delta.merge(was.status(), -1L, Long::sum);
            }
            delta.merge(now.status(), 1L, Long::sum);
        }
        delta.values().removeIf(d -> d == 0);
        return delta;
    }

    /** Counts every incident again (after the views were rebuilt), in the caller's transaction. */
    static void recount(Connection connection) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("UPDATE incident_status_counts SET incidents = "
                + "(SELECT COUNT(*) FROM incidents i WHERE i.status = incident_status_counts.status)")) {
            ps.executeUpdate();
        }
    }

    /**
     * Where {@code incident_status_counts} disagrees with the views ({@code counted}: incidents per stored status), one
     * line per status; empty when they agree. Read in the caller's transaction, so both are of one moment.
     */
    static List<String> mismatches(Connection connection, Map<String, Long> counted) throws SQLException {
        Map<String, Long> kept = new HashMap<>();
        try (PreparedStatement ps = connection.prepareStatement("SELECT status, incidents FROM incident_status_counts");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                kept.put(rs.getString(1), rs.getLong(2));
            }
        }
        List<String> out = new ArrayList<>();
        for (IncidentStatus status : IncidentStatus.values()) {
            String name = status.wireName();
            long views = counted.getOrDefault(name, 0L);
            Long count = kept.get(name);
            if (count == null || count != views) {
                out.add("incident_status_counts " + (count == null ? "has no row for '" + name + "'" : "says " + count
                        + " incidents are '" + name + "'") + ", the incidents view has " + views + " (GET /api/v1/stats reads the "
                        + "counts; rebuild-views counts them again)");
            }
        }
        return out;
    }
}
