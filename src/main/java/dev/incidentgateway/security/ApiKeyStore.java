package dev.incidentgateway.security;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * The {@code api_keys} table: key hashes, their scopes and usage; never a key itself. Each row carries a MAC
 * ({@link CredentialRowMacs}) that this class writes and checks: a row whose MAC does not verify is no key.
 */
public final class ApiKeyStore {
    private static final Logger LOG = LoggerFactory.getLogger(ApiKeyStore.class);
    private static final String COLUMNS = "name, key_hash, scopes, created_at, revoked_at, row_mac";

    /** A key as listed: what an operator may see (no key material). */
    public record Listed(String name, Set<Scope> scopes, Instant createdAt, Instant lastUsedAt, Instant revokedAt) {
    }

    /** A key that authenticates: its name, the SHA-256 of the key, its scopes. */
    public record Active(String name, byte[] hash, Set<Scope> scopes) {
    }

    /** A row as stored, every column its MAC covers. */
    private record Row(String name, String keyHash, String scopes, Instant createdAt, Instant revokedAt, String mac) {
    }

    /** {@code api-key create} with a name that exists (or existed: revoked names are not reused). */
    public static final class NameTakenException extends Exception {
        public NameTakenException(String name) {
            super("an API key named '" + name + "' exists or was revoked; names are never reused, choose another");
        }
    }

    private final DataSource dataSource;
    private final CredentialRowMacs macs;
    /** Keys whose refusal was logged already: once per key and process, not at every reload. */
    private final Set<String> refusalLogged = ConcurrentHashMap.newKeySet();
    /**
     * Keys this process has seen revoked (a revocation mark, or a revoked row that verifies). The owner of the database can
     * delete a mark and copy back the key's row as it was before the revocation, with its valid MAC: nothing left in the
     * database tells that row from a key never revoked, but a gateway that saw the revocation remembers it until it stops.
     */
    private final Set<String> seenRevoked = ConcurrentHashMap.newKeySet();

    public ApiKeyStore(DataSource dataSource, CredentialRowMacs macs) {
        this.dataSource = dataSource;
        this.macs = macs;
    }

    public void create(String name, String keyHashHex, Set<Scope> scopes, Instant now) throws SQLException, NameTakenException {
        Instant created = now.truncatedTo(ChronoUnit.MILLIS); // as the store keeps it, so the MAC is over what is read back
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "INSERT INTO api_keys (name, key_hash, scopes, created_at, row_mac) VALUES (?, ?, ?, ?, ?)")) {
            ps.setString(1, ApiKeys.checkName(name));
            ps.setString(2, keyHashHex);
            ps.setString(3, wire(scopes));
            ps.setObject(4, utc(created));
            ps.setString(5, macs.apiKeyRow(name, keyHashHex, wire(scopes), created, null));
            ps.executeUpdate();
        } catch (SQLException e) {
            if ("23505".equals(e.getSQLState())) {
                throw new NameTakenException(name);
            }
            throw e;
        }
    }

    /**
     * Revokes the key (a new MAC over the revoked row) and marks it revoked in {@code credential_marks}, where it stays
     * even if the row's older state is copied back.
     *
     * @return false when no unrevoked key has this name
     */
    public boolean revoke(String name, Instant now) throws SQLException {
        Instant revoked = now.truncatedTo(ChronoUnit.MILLIS);
        try (Connection c = dataSource.getConnection()) {
            Row row = rows(c, "WHERE name = ? AND revoked_at IS NULL", name).stream().findFirst().orElse(null);
            if (row == null) {
                return false;
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE api_keys SET revoked_at = ?, row_mac = ? WHERE name = ? AND revoked_at IS NULL")) {
                ps.setObject(1, utc(revoked));
                ps.setString(2, macs.apiKeyRow(row.name(), row.keyHash(), row.scopes(), row.createdAt(), revoked));
                ps.setString(3, name);
                if (ps.executeUpdate() != 1) {
                    return false; // revoked meanwhile
                }
            }
            CredentialMarks.add(c, CredentialMarks.revokedApiKey(name));
            return true;
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

    /**
     * Every key that is not revoked and whose row verifies, for the verifier's in-memory snapshot. A row that does not
     * verify is left out (a request with its key gets 401) and logged once as an ERROR naming the key.
     */
    public List<Active> active() throws SQLException {
        List<Active> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection()) {
            for (Map.Entry<Row, Optional<String>> checked : checkedRows(c).entrySet()) {
                Row row = checked.getKey();
                if (checked.getValue().isPresent()) {
                    if (refusalLogged.add(row.name())) {
                        LOG.error("API key '{}' is refused: its row in api_keys {}. Requests with it get 401; if the key is "
                                + "meant to work, revoke it and create a new one (api-key revoke / create)", row.name(),
                                checked.getValue().get());
                    }
                } else if (row.revokedAt() == null) {
                    out.add(new Active(row.name(), HexFormat.of().parseHex(row.keyHash()), Scope.parseList(row.scopes())));
                }
            }
        }
        return out;
    }

    /** Why each row that does not verify is refused, by key name (for {@code verify}). */
    public Map<String, String> rowProblems() throws SQLException {
        Map<String, String> out = new TreeMap<>();
        try (Connection c = dataSource.getConnection()) {
            checkedRows(c).forEach((row, problem) -> problem.ifPresent(p -> out.put(row.name(), p)));
        }
        return out;
    }

    /** Every row with why it is refused (empty when it verifies), in the order of the names. */
    private Map<Row, Optional<String>> checkedRows(Connection c) throws SQLException {
        Set<String> revokedMarks = CredentialMarks.revokedApiKeys(c);
        seenRevoked.addAll(revokedMarks);
        Map<Row, Optional<String>> out = new java.util.LinkedHashMap<>();
        for (Row row : rows(c, "ORDER BY name")) {
            out.put(row, problem(row, revokedMarks));
        }
        return out;
    }

    /** Writes the MAC of every row that has none (rows from before row MACs); returns their names. Only at that upgrade. */
    public List<String> sealUnsealed(Connection c) throws SQLException {
        return CredentialRowMacs.sealUnsealed(c, CredentialRowMacs.Table.API_KEYS, ApiKeyStore::rows, Row::name, this::mac);
    }

    /**
     * Seals every row whose MAC verifies anew with {@code next} ({@code chain-key rotate}); returns the names of the rows
     * whose MAC did not verify, left as they are.
     */
    public List<String> reseal(Connection c, CredentialRowMacs next) throws SQLException {
        ApiKeyStore after = new ApiKeyStore(null, next);
        return CredentialRowMacs.reseal(c, CredentialRowMacs.Table.API_KEYS, ApiKeyStore::rows, Row::name, this::mac, after::mac,
                Row::mac);
    }

    /**
     * The MAC verdict ({@link CredentialRowMacs#problem}), then whether the row is a revoked key's older state copied
     * back: its revocation mark is there, or this process saw the key revoked before the mark was deleted.
     */
    private Optional<String> problem(Row row, Set<String> revokedMarks) {
        Optional<String> macProblem = CredentialRowMacs.problem(mac(row), row.mac());
        if (macProblem.isPresent()) {
            return macProblem;
        }
        if (row.revokedAt() != null) {
            seenRevoked.add(row.name());
        } else if (revokedMarks.contains(row.name())) {
            return Optional.of("was revoked, but an older, unrevoked state of the row was copied back");
        } else if (seenRevoked.contains(row.name())) {
            return Optional.of("was revoked (this gateway saw it), but its revocation mark in credential_marks was deleted and "
                    + "an older, unrevoked state of the row was copied back");
        }
        return Optional.empty();
    }

    private String mac(Row row) {
        return macs.apiKeyRow(row.name(), row.keyHash(), row.scopes(), row.createdAt(), row.revokedAt());
    }

    private static List<Row> rows(Connection c, String where, String... params) throws SQLException {
        List<Row> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM api_keys " + where)) {
            for (int i = 0; i < params.length; i++) {
                ps.setString(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Row(rs.getString(1), trimmed(rs.getString(2)), rs.getString(3), instant(rs, 4), instant(rs, 5),
                            rs.getString(6)));
                }
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

    private static String trimmed(String s) {
        return s == null ? null : s.trim();
    }

    private static OffsetDateTime utc(Instant t) {
        return t.atOffset(ZoneOffset.UTC);
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }
}
