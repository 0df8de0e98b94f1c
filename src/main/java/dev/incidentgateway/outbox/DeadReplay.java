package dev.incidentgateway.outbox;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Replays every dead row a {@link DeadReplayFilter} matches, in one transaction: all of them go again or none (an
 * operator retrying a failed request finds the same set). Each row changes exactly as {@link OutboxStore#replay} changes
 * one (pending, attempts reset, due now), so order per incident is kept the same way: a replayed row is its incident's
 * head again, and the rows it held back follow its delivery.
 */
final class DeadReplay {
    /** Rows per JDBC batch of updates: one round trip each, whatever the number of matches. */
    private static final int BATCH = 500;
    private final DataSource dataSource;

    DeadReplay(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Whether any outbox row (any status) names the connector: a misspelt name is refused rather than replaying nothing. */
    boolean knows(String connector) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT 1 FROM outbox WHERE connector = ? FETCH FIRST 1 ROWS ONLY")) {
            ps.setString(1, connector);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** The ids replayed, ascending. */
    List<Long> replay(DeadReplayFilter filter, Instant now) throws SQLException {
        List<Object> params = new ArrayList<>();
        StringBuilder sql = new StringBuilder("SELECT id FROM outbox WHERE connector = ? AND status = 'dead'");
        params.add(filter.connector());
        if (filter.incidentId() != null) {
            sql.append(" AND incident_id = ?");
            params.add(filter.incidentId());
        }
        if (filter.since() != null) {
            sql.append(" AND created_at >= ?");
            params.add(OutboxStore.utc(filter.since()));
        }
        if (filter.until() != null) {
            sql.append(" AND created_at < ?");
            params.add(OutboxStore.utc(filter.until()));
        }
        if (filter.deadReason() != null) {
            sql.append(" AND LOWER(last_error) LIKE ? ESCAPE '!'");
            params.add("%" + filter.deadReason().toLowerCase(Locale.ROOT).replaceAll("([!%_])", "!$1") + "%");
        }
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                List<Long> replayed = replayed(c, candidates(c, sql + " ORDER BY id", params), now);
                c.commit();
                return replayed;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    private static List<Long> candidates(Connection c, String sql, List<Object> params) throws SQLException {
        List<Long> ids = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.size(); i++) {
                ps.setObject(i + 1, params.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getLong(1));
                }
            }
        }
        return ids;
    }

    /**
     * The single replay's UPDATE per row, still only while the row is dead: a row an operator skipped or replayed since
     * it was selected counts 0 and is not reported as replayed.
     */
    private static List<Long> replayed(Connection c, List<Long> ids, Instant now) throws SQLException {
        List<Long> out = new ArrayList<>(ids.size());
        try (PreparedStatement ps = c.prepareStatement("UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = ?, "
                + "claim_token = NULL WHERE id = ? AND status = 'dead'")) {
            for (int from = 0; from < ids.size(); from += BATCH) {
                List<Long> chunk = ids.subList(from, Math.min(ids.size(), from + BATCH));
                for (Long id : chunk) {
                    ps.setObject(1, OutboxStore.utc(now));
                    ps.setLong(2, id);
                    ps.addBatch();
                }
                int[] counts = ps.executeBatch();
                for (int i = 0; i < counts.length; i++) {
                    if (counts[i] > 0 || counts[i] == java.sql.Statement.SUCCESS_NO_INFO) {
                        out.add(chunk.get(i));
                    }
                }
            }
        }
        return out;
    }
}
