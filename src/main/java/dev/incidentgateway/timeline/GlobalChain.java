package dev.incidentgateway.timeline;

import dev.incidentgateway.audit.ChainKey;
import dev.incidentgateway.store.SqlDialect;

import javax.crypto.Mac;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HexFormat;

/**
 * The global audit chain over every event in id order (= commit order, see {@link TimelineWriter}):
 * {@code global_hash = HMAC(key, previous global_hash + "\n" + hash)}. The per-incident chains prove each incident's
 * events; this one proves the set of incidents, so deleting a whole incident (events and view) or events of
 * several incidents breaks it, and a signed checkpoint of its head proves the newest events are still there.
 *
 * <p><b>Upgrade.</b> Events written before keyed hashing ("legacy": unkeyed SHA-256 hash, no global hash) stay as
 * they are. The first keyed append starts the global chain from a {@linkplain Seal seal}: the HMAC over every legacy
 * event's hash in id order, so a legacy event changed, removed or added after the upgrade changes the seal and
 * breaks the chain.
 */
public final class GlobalChain {
    /** The last event by id and its global hash ({@code null} when it is a legacy event); {@code null} for an empty log. */
    public record Head(String lastEventId, String globalHash) {
    }

    private static final String SEAL_CONTEXT = "incident-gateway legacy seal";

    private GlobalChain() {
    }

    /** The global hash of an event with hash {@code eventHash} that follows global hash {@code previous}. */
    public static String next(ChainKey key, String previous, String eventHash) {
        return key.hmacHex(previous + "\n" + eventHash);
    }

    /** Reads the head row of a result set of {@link SqlDialect#HEAD_OF_LOG_SQL}. */
    /**
     * Takes the append lock and reads the newest event's id and global hash in one round trip (the dialect's
     * statement): under the lock no id larger than the one returned can commit before us (see TimelineWriter).
     */
    static Head lockThenReadHead(Connection connection, SqlDialect dialect) throws SQLException {
        Head found = null;
        // Prepared, not a plain Statement: PgJDBC then keeps both statements prepared on the server after a few groups
        // instead of parsing and planning them again for every group (and H2 finds them in its statement cache).
        try (PreparedStatement st = connection.prepareStatement(dialect.lockThenReadHeadSql())) {
            boolean isResultSet = st.execute();
            while (isResultSet || st.getUpdateCount() != -1) {
                if (isResultSet) {
                    try (ResultSet rs = st.getResultSet()) {
                        if (rs.getMetaData().getColumnCount() == 2) { // the head query, not the lock's void result
                            found = head(rs);
                        }
                    }
                }
                isResultSet = st.getMoreResults();
            }
        }
        return found;
    }

    static Head head(ResultSet rs) throws SQLException {
        if (!rs.next()) {
            return null;
        }
        String global = rs.getString(2);
        return new Head(rs.getString(1).trim(), global == null ? null : global.trim());
    }

    public static Head readHead(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(SqlDialect.HEAD_OF_LOG_SQL); ResultSet rs = ps.executeQuery()) {
            return head(rs);
        }
    }

    /**
     * The seal of the legacy events up to {@code upToId} (inclusive; {@code null}: none, an empty log), read in id
     * order. Used once, by the first keyed append.
     */
    static String sealOfLegacy(ChainKey key, Connection c, String upToId) throws SQLException {
        Seal seal = new Seal(key);
        if (upToId != null) {
            try (PreparedStatement ps = c.prepareStatement("SELECT hash FROM timeline_events WHERE id <= ? ORDER BY id")) {
                ps.setFetchSize(10_000);
                ps.setString(1, upToId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        seal.add(rs.getString(1).trim());
                    }
                }
            }
        }
        return seal.value();
    }

    /** HMAC(key, "incident-gateway legacy seal" + "\n" + hash₁ + "\n" + hash₂ …), fed one legacy event at a time. */
    public static final class Seal {
        private final Mac mac;
        private long events;

        public Seal(ChainKey key) {
            this.mac = key.newMac();
            mac.update(SEAL_CONTEXT.getBytes(StandardCharsets.UTF_8));
        }

        public void add(String legacyHash) {
            mac.update(("\n" + legacyHash).getBytes(StandardCharsets.UTF_8));
            events++;
        }

        public long events() {
            return events;
        }

        public String value() {
            return HexFormat.of().formatHex(mac.doFinal());
        }
    }
}
