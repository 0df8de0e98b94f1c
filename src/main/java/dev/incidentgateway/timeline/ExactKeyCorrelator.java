package dev.incidentgateway.timeline;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;

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
}
