package dev.incidentgateway.ingest;

import javax.sql.DataSource;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Base64;

/**
 * The default webhook bearer token when {@code GATEWAY_WEBHOOK_TOKEN} is unset: generated once, kept in
 * {@code gateway_secrets} so it survives restarts and is shared by every instance on the same database.
 */
public final class WebhookTokenStore {
    private static final String NAME = "webhook-token";
    private final DataSource dataSource;

    public WebhookTokenStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** The stored token, generating and storing one first if there is none. */
    public String getOrCreate() throws SQLException {
        String existing = read();
        if (existing != null) {
            return existing;
        }
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO gateway_secrets (name, secret, created_at) VALUES (?, ?, ?)")) {
            ps.setString(1, NAME);
            ps.setString(2, token);
            ps.setObject(3, OffsetDateTime.now(ZoneOffset.UTC));
            ps.executeUpdate();
            return token;
        } catch (SQLException e) {
            if ("23505".equals(e.getSQLState())) {
                return read(); // another instance stored one first: use theirs
            }
            throw e;
        }
    }

    /** The stored token, or {@code null}. */
    public String read() throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT secret FROM gateway_secrets WHERE name = ?")) {
            ps.setString(1, NAME);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }
}
