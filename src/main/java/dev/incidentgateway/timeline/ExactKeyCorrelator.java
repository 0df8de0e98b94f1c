package dev.incidentgateway.timeline;

import dev.incidentgateway.store.SqlLists;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Correlation by exact key, in the {@code correlation_keys} table (one row per open key). A release keeps the incident's
 * keys in {@code released_correlation_keys}, for {@link #keysHeld} (a reopen binds them again).
 */
public final class ExactKeyCorrelator implements Correlator {

    @Override
    public String openIncident(Connection c, String key) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT incident_id FROM correlation_keys WHERE correlation_key = ?")) {
            ps.setString(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    @Override
    public void bind(Connection c, String key, String incidentId, Instant at) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO correlation_keys (correlation_key, incident_id, bound_at) VALUES (?, ?, ?)")) {
            ps.setString(1, key);
            ps.setString(2, incidentId);
            ps.setObject(3, at.atOffset(ZoneOffset.UTC));
            ps.executeUpdate();
        }
    }

    @Override
    public void release(Connection c, String incidentId) throws SQLException {
        releaseAll(c, List.of(incidentId));
    }

    @Override
    public Map<String, String> openIncidents(Connection c, Collection<String> keys) throws SQLException {
        Map<String, String> open = new HashMap<>();
        if (keys.isEmpty()) {
            return open;
        }
        List<String> list = SqlLists.padded(List.copyOf(keys));
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT correlation_key, incident_id FROM correlation_keys WHERE correlation_key IN (" + SqlLists.marks(list.size()) + ")")) {
            for (int i = 0; i < list.size(); i++) {
                ps.setString(i + 1, list.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
                readOpen(rs, open);
            }
        }
        return open;
    }

    /**
     * PostgreSQL: the lookup of {@link #openIncidents} with the keys as one array parameter, each fetched by primary key
     * (a cached generic plan of the {@code IN} list can be a sequential scan that stays as the table grows; see
     * {@code GroupViews.PRELOAD_PG}).
     */
    static final String OPEN_INCIDENTS_PG = "SELECT k.correlation_key, k.incident_id FROM unnest(CAST(? AS varchar[])) AS wanted(k) "
            + "JOIN LATERAL (SELECT correlation_key, incident_id FROM correlation_keys WHERE correlation_key = wanted.k OFFSET 0) k ON TRUE";

    /** Reads rows of (correlation_key, incident_id) into {@code open} (key to incident). */
    static void readOpen(ResultSet rs, Map<String, String> open) throws SQLException {
        while (rs.next()) {
            open.put(rs.getString(1), rs.getString(2));
        }
    }

    @Override
    public void bindAll(Connection c, Map<String, String> keyToIncident, Instant at) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO correlation_keys (correlation_key, incident_id, bound_at) VALUES (?, ?, ?)")) {
            for (Map.Entry<String, String> e : keyToIncident.entrySet()) {
                ps.setString(1, e.getKey());
                ps.setString(2, e.getValue());
                ps.setObject(3, at.atOffset(ZoneOffset.UTC));
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /**
     * Keeps the keys in {@code released_correlation_keys} (one statement for every incident; a key released before, by an
     * earlier resolve of the same incident, is kept once), then deletes them from {@code correlation_keys}.
     */
    @Override
    public void releaseAll(Connection c, Collection<String> incidentIds) throws SQLException {
        List<String> ids = SqlLists.padded(List.copyOf(incidentIds));
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO released_correlation_keys (incident_id, correlation_key, released_at) "
                        + "SELECT k.incident_id, k.correlation_key, CURRENT_TIMESTAMP FROM correlation_keys k "
                        + "WHERE k.incident_id IN (" + SqlLists.marks(ids.size()) + ") AND NOT EXISTS (SELECT 1 FROM "
                        + "released_correlation_keys r WHERE r.incident_id = k.incident_id AND r.correlation_key = k.correlation_key)")) {
            for (int i = 0; i < ids.size(); i++) {
                ps.setString(i + 1, ids.get(i));
            }
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM correlation_keys WHERE incident_id = ?")) {
            for (String id : incidentIds) {
                ps.setString(1, id);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    @Override
    public void keepReleased(Connection c, Map<String, String> keyToIncident) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO released_correlation_keys (incident_id, correlation_key, "
                + "released_at) SELECT ?, ?, CURRENT_TIMESTAMP WHERE NOT EXISTS (SELECT 1 FROM released_correlation_keys "
                + "WHERE incident_id = ? AND correlation_key = ?)")) {
            for (Map.Entry<String, String> e : keyToIncident.entrySet()) {
                ps.setString(1, e.getValue());
                ps.setString(2, e.getKey());
                ps.setString(3, e.getValue());
                ps.setString(4, e.getKey());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** Open keys and released ones, in one statement for all the incidents (a reopen is rare: only it asks). */
    @Override
    public Map<String, Set<String>> keysHeld(Connection c, Collection<String> incidentIds) throws SQLException {
        Map<String, Set<String>> held = new HashMap<>();
        if (incidentIds.isEmpty()) {
            return held;
        }
        List<String> ids = SqlLists.padded(List.copyOf(incidentIds));
        String in = " WHERE incident_id IN (" + SqlLists.marks(ids.size()) + ")";
        try (PreparedStatement ps = c.prepareStatement("SELECT incident_id, correlation_key FROM correlation_keys" + in
                + " UNION SELECT incident_id, correlation_key FROM released_correlation_keys" + in)) {
            for (int i = 0; i < ids.size(); i++) {
                ps.setString(i + 1, ids.get(i));
                ps.setString(ids.size() + i + 1, ids.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    held.computeIfAbsent(rs.getString(1), k -> new LinkedHashSet<>()).add(rs.getString(2));
                }
            }
        }
        return held;
    }
}
