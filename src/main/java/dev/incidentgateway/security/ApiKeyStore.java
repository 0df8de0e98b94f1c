package dev.incidentgateway.security;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** The {@code api_keys} table: key hashes, their scopes and usage; never a key itself. */
public final class ApiKeyStore {
    /** A key as listed: what an operator may see (no key material). */
    public record Listed(String name, Set<Scope> scopes, Instant createdAt, Instant lastUsedAt, Instant revokedAt) {
    }

    /** A key that authenticates: its name, the SHA-256 of the key, its scopes. */
    public record Active(String name, byte[] hash, Set<Scope> scopes) {
    }

    /** {@code api-key create} with a name that exists (or existed: revoked names are not reused). */
    public static final class NameTakenException extends Exception {
        public NameTakenException(String name) {
            super("an API key named '" + name + "' exists or was revoked; names are never reused, choose another");
        }
    }

    private final DataSource dataSource;

    public ApiKeyStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public void create(String name, String keyHashHex, Set<Scope> scopes, Instant now) throws SQLException, NameTakenException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "INSERT INTO api_keys (name, key_hash, scopes, created_at) VALUES (?, ?, ?, ?)")) {
            ps.setString(1, ApiKeys.checkName(name));
            ps.setString(2, keyHashHex);
            ps.setString(3, wire(scopes));
            ps.setObject(4, utc(now));
            ps.executeUpdate();
        } catch (SQLException e) {
            if ("23505".equals(e.getSQLState())) {
                throw new NameTakenException(name);
            }
            throw e;
        }
    }

    /** @return false when no unrevoked key has this name */
    public boolean revoke(String name, Instant now) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("UPDATE api_keys SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL")) {
            ps.setObject(1, utc(now));
            ps.setString(2, name);
            return ps.executeUpdate() == 1;
        }
    }

    public List<Listed> list() throws SQLException {
        List<Listed> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "SELECT name, scopes, created_at, last_used_at, revoked_at FROM api_keys ORDER BY name");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new Listed(rs.getString(1), Scope.parseList(rs.getString(2)), instant(rs, 3), instant(rs, 4), instant(rs, 5)));
            }
        }
        return out;
    }

    /** Every key that is not revoked, for the verifier's in-memory snapshot. */
    public List<Active> active() throws SQLException {
        List<Active> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT name, key_hash, scopes FROM api_keys WHERE revoked_at IS NULL");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new Active(rs.getString(1), HexFormat.of().parseHex(rs.getString(2).trim()), Scope.parseList(rs.getString(3))));
            }
        }
        return out;
    }

    public void touch(String name, Instant usedAt) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("UPDATE api_keys SET last_used_at = ? WHERE name = ?")) {
            ps.setObject(1, utc(usedAt));
            ps.setString(2, name);
            ps.executeUpdate();
        }
    }

    public static String wire(Set<Scope> scopes) {
        return scopes.stream().sorted().map(Scope::wireName).collect(Collectors.joining(","));
    }

    private static OffsetDateTime utc(Instant t) {
        return t.atOffset(ZoneOffset.UTC);
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }
}
