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
import java.util.List;
import java.util.Map;

/** Correlation by exact key, in the {@code correlation_keys} table (one row per open key). */
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
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM correlation_keys WHERE incident_id = ?")) {
            ps.setString(1, incidentId);
            ps.executeUpdate();
        }
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

    @Override
    public void releaseAll(Connection c, Collection<String> incidentIds) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM correlation_keys WHERE incident_id = ?")) {
            for (String id : incidentIds) {
                ps.setString(1, id);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }
}
