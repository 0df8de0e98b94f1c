package dev.incidentgateway.security;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.Set;

/**
 * {@code credential_marks}: facts about credentials that are only ever added: each revoked API key. On PostgreSQL no role
 * but the owner may change or delete them (afterMigrate__append_only_grants.sql), so the runtime role cannot bring a
 * revoked key back by copying its older row (and MAC) back. The mark 'legacy-rows-sealed' that versions before this one
 * added is no longer read: what a database user may delete must not decide whether rows without a MAC are taken.
 */
public final class CredentialMarks {
    private static final String REVOKED_API_KEY = "revoked-api-key:";

    private CredentialMarks() {
    }

    public static boolean has(Connection c, String mark) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM credential_marks WHERE mark = ?")) {
            ps.setString(1, mark);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** Adds the mark unless it is there already (another instance, an earlier try). */
    public static void add(Connection c, String mark) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO credential_marks (mark, marked_at) VALUES (?, ?)")) {
            ps.setString(1, mark);
            ps.setObject(2, OffsetDateTime.now(ZoneOffset.UTC));
            ps.executeUpdate();
        } catch (SQLException e) {
            if (!"23505".equals(e.getSQLState())) {
                throw e;
            }
        }
    }

    public static String revokedApiKey(String name) {
        return REVOKED_API_KEY + name;
    }

    /** The names of every API key ever revoked. */
    public static Set<String> revokedApiKeys(Connection c) throws SQLException {
        Set<String> out = new HashSet<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT mark FROM credential_marks WHERE mark LIKE ?")) {
            ps.setString(1, REVOKED_API_KEY + "%");
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1).substring(REVOKED_API_KEY.length()));
                }
            }
        }
        return out;
    }
}
