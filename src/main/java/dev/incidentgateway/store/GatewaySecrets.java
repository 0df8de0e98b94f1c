package dev.incidentgateway.store;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * Named values the gateway keeps for itself in {@code gateway_secrets}, shared by every instance on one database.
 * The first instance to store a name wins; the others read its value.
 */
public final class GatewaySecrets {
    private final DataSource dataSource;

    public GatewaySecrets(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** The stored value, or {@code null}. */
    public String read(String name) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT secret FROM gateway_secrets WHERE name = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1).trim() : null;
            }
        }
    }

    /** Stores {@code value} under {@code name} unless a value is there already; returns the value that is stored. */
    public String storeIfAbsent(String name, String value) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO gateway_secrets (name, secret, created_at) VALUES (?, ?, ?)")) {
            ps.setString(1, name);
            ps.setString(2, value);
            ps.setObject(3, OffsetDateTime.now(ZoneOffset.UTC));
            ps.executeUpdate();
            return value;
        } catch (SQLException e) {
            if ("23505".equals(e.getSQLState())) { // unique violation: another instance stored it first
                return read(name);
            }
            throw e;
        }
    }
}
