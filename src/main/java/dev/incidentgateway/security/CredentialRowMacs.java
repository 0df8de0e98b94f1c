package dev.incidentgateway.security;

import dev.incidentgateway.audit.ChainKey;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The MACs of credential rows ({@code api_keys}, {@code webhook_tokens}): HMAC-SHA-256 under keys derived from the chain
 * key ({@link ChainKey#derive}), which is never in the database. Whoever can write the tables but not read the chain key
 * (a database user, the runtime role) cannot make a row that grants anything: a rewritten key hash, scopes or revocation
 * no longer matches its MAC and the gateway refuses the row. Every column that grants something is covered; only
 * {@code last_used_at} is not.
 */
public final class CredentialRowMacs {
    /** The tables whose rows carry a MAC, with the column that names a row: a closed set, so no other name reaches SQL. */
    public enum Table {
        API_KEYS("api_keys", "name"),
        WEBHOOK_TOKENS("webhook_tokens", "source");

        private final String sqlName;
        private final String keyColumn;

        Table(String sqlName, String keyColumn) {
            this.sqlName = sqlName;
            this.keyColumn = keyColumn;
        }
    }

    /** A store's reader of its rows that match a WHERE clause: only the store knows its columns and how it reads them. */
    @FunctionalInterface
    public interface RowReader<R> {
        List<R> read(Connection c, String where) throws SQLException;
    }

    private final ChainKey apiKeyRows;
    private final ChainKey webhookTokenRows;

    private CredentialRowMacs(ChainKey chainKey) {
        this.apiKeyRows = chainKey.derive("api-key-rows");
        this.webhookTokenRows = chainKey.derive("webhook-token-rows");
    }

    public static CredentialRowMacs from(ChainKey chainKey) {
        return new CredentialRowMacs(chainKey);
    }

    /** The MAC of an {@code api_keys} row; {@code revokedAt} null while the key is active. */
    public String apiKeyRow(String name, String keyHash, String scopes, Instant createdAt, Instant revokedAt) {
        return apiKeyRows.hmacHex(canonical(name, keyHash, scopes, time(createdAt), time(revokedAt)));
    }

    /** The MAC of a {@code webhook_tokens} row. */
    public String webhookTokenRow(String source, String tokenHash, Instant createdAt) {
        return webhookTokenRows.hmacHex(canonical(source, tokenHash, time(createdAt)));
    }

    /** Whether a stored MAC is the expected one (constant time; a missing MAC never matches). */
    public static boolean matches(String expected, String stored) {
        return ChainKey.sameHash(expected, stored == null ? null : stored.trim());
    }

    /**
     * Why a row is refused for its MAC, or empty when it passes. A row without a MAC never passes: the only rows that
     * ever had none, those written before row MACs, were sealed by the process that applied the migration bringing
     * them ({@code CredentialRowSeal}); nothing in the database can ask for that seal again.
     *
     * @param expected the MAC the row's columns should have
     * @param stored   the row's {@code row_mac}, null when it has none
     */
    public static Optional<String> problem(String expected, String stored) {
        if (stored == null) {
            return Optional.of("has no MAC (written outside the gateway: only rows from before row MACs were sealed, by the "
                    + "upgrade to them)");
        }
        return matches(expected, stored) ? Optional.empty() : Optional.of("does not match its MAC (changed outside the gateway)");
    }

    /**
     * Writes the MAC of every row of {@code table} that has none (rows from before row MACs); returns the keys of the rows
     * it sealed. Only for the upgrade to row MACs, on the connection that applies that migration.
     *
     * @param rows the store's reader of its rows
     * @param key  the row's value in the table's key column
     * @param mac  the MAC over the row's columns
     */
    public static <R> List<String> sealUnsealed(Connection c, Table table, RowReader<R> rows, Function<R, String> key,
                                                Function<R, String> mac) throws SQLException {
        List<String> sealed = new ArrayList<>();
        List<R> unsealed = rows.read(c, "WHERE row_mac IS NULL");
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE " + table.sqlName + " SET row_mac = ? WHERE " + table.keyColumn + " = ? AND row_mac IS NULL")) {
            for (R row : unsealed) {
                ps.setString(1, mac.apply(row));
                ps.setString(2, key.apply(row));
                if (ps.executeUpdate() == 1) {
                    sealed.add(key.apply(row));
                }
            }
        }
        return sealed;
    }

    /**
     * Replaces the MAC of every row of {@code table} whose MAC verifies under the old key with its MAC under the new one
     * ({@code chain-key rotate}, in its transaction); returns the keys of the rows left as they are because their MAC did
     * not verify: a row changed outside the gateway stays refused instead of being sealed anew.
     *
     * @param oldMac the row's MAC under the current chain key
     * @param newMac the row's MAC under the key that replaces it
     * @param stored the row's {@code row_mac}
     */
    public static <R> List<String> reseal(Connection c, Table table, RowReader<R> rows, Function<R, String> key,
                                          Function<R, String> oldMac, Function<R, String> newMac, Function<R, String> stored)
            throws SQLException {
        List<String> refused = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE " + table.sqlName + " SET row_mac = ? WHERE " + table.keyColumn + " = ? AND row_mac = ?")) {
            for (R row : rows.read(c, "")) {
                if (!matches(oldMac.apply(row), stored.apply(row))) {
                    refused.add(key.apply(row));
                    continue;
                }
                ps.setString(1, newMac.apply(row));
                ps.setString(2, key.apply(row));
                ps.setString(3, stored.apply(row));
                if (ps.executeUpdate() != 1) {
                    throw new SQLException(table.sqlName + " row '" + key.apply(row) + "' changed while it was sealed anew");
                }
            }
        }
        return refused;
    }

    /**
     * Each value with its length in front: unambiguous whatever a value holds, so no two rows share one text (a row
     * written by hand may put separators into a value).
     */
    private static String canonical(String... values) {
        StringBuilder out = new StringBuilder();
        for (String v : values) {
            String value = v == null ? "" : v;
            out.append(value.getBytes(StandardCharsets.UTF_8).length).append(v == null ? '!' : ':').append(value).append('\n');
        }
        return out.toString();
    }

    private static String time(Instant t) {
        return t == null ? null : t.toString();
    }
}
