package dev.incidentgateway.outbox;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The outbox table: which rows are due, and the state transitions of a row (delivered, retry, dead,
 * replay, skip). Ordering is a query, not a lock: a row is due only when no earlier row of the same
 * incident and connector is still pending or dead, so event n+1 waits for n and a dead row holds back
 * the rest of its incident until it is replayed or skipped.
 */
public final class OutboxStore {
    private static final String COLUMNS = "id, connector, incident_id, event_id, event_seq, status, attempts, next_attempt_at, "
            + "created_at, delivered_at, last_error";
    private final DataSource dataSource;
    private final OutboxClaims claims;

    public OutboxStore(DataSource dataSource) {
        this.dataSource = dataSource;
        this.claims = new OutboxClaims(dataSource);
    }

    /**
     * What recording a delivery did: whether the claim still held, and the row it claimed for the slot: the incident's
     * next row, or a new head ({@link Delivered#refillUntil()}), or null.
     */
    public record Recorded(boolean recorded, OutboxItem next) {
    }

    /**
     * Claims up to {@code limit} due rows (at most one per incident, its head) by moving their next attempt to
     * {@code leaseUntil}: if this process dies while delivering, the row is simply due again then. Each claim
     * gets a fresh token ({@link OutboxItem#claimToken()}); the outcome is recorded only while it still holds.
     * Rows held back by an earlier one are parked on the way (see {@link OutboxClaims}).
     */
    public List<OutboxItem> claimDue(String connector, int limit, Instant now, Instant leaseUntil) throws SQLException {
        return claims.claimDue(connector, limit, now, leaseUntil);
    }

    /**
     * Marks a row delivered and, in the same transaction, records the ticket/thread the delivery created.
     * Returns {@code false} (and changes nothing) when the claim no longer holds: an operator skipped the row
     * meanwhile, or its lease ran out and another delivery claimed it.
     */
    public boolean delivered(OutboxItem item, ExternalRef created, Instant now) throws SQLException {
        return delivered(item, created, now, null).recorded();
    }

    /**
     * {@link #delivered(OutboxItem, ExternalRef, Instant)}, and in the same transaction the incident's next row:
     * claimed until {@code leaseUntil} when that is given and the row is now the head, else made due now if it was
     * parked. So the next event of an incident leaves as soon as the previous one's outcome is recorded.
     */
    public Recorded delivered(OutboxItem item, ExternalRef created, Instant now, Instant leaseUntil) throws SQLException {
        return deliveredAll(List.of(new Delivered(item, created, now, leaseUntil))).get(0);
    }

    /**
     * One delivery to record: the row, the ticket/thread it created (or null), when, and the next row's lease (or null).
     * When {@code refillUntil} is given and no next row of the incident is claimed for the slot, a due head of another
     * incident is claimed for it instead (until then), in the same transaction: the slot goes on with that one rather
     * than being handed back for a claim with a commit of its own.
     */
    public record Delivered(OutboxItem item, ExternalRef created, Instant now, Instant leaseUntil, Instant refillUntil) {
        public Delivered(OutboxItem item, ExternalRef created, Instant now, Instant leaseUntil) {
            this(item, created, now, leaseUntil, null);
        }
    }

    /**
     * {@link #delivered(OutboxItem, ExternalRef, Instant, Instant)} for several deliveries (of different incidents) in
     * one transaction, so concurrent slots share a commit; the results in the same order.
     */
    public List<Recorded> deliveredAll(List<Delivered> deliveries) throws SQLException {
        // Each row is updated first: a claim holding its lock (to park the rows behind it) is waited for, and the advance
        // then sees what that claim parked (OutboxClaims).
        try (Connection c = dataSource.getConnection(); PreparedStatement mark = c.prepareStatement(
                "UPDATE outbox SET status = 'delivered', attempts = attempts + 1, delivered_at = ?, last_error = NULL, "
                        + "claim_token = NULL WHERE id = ? AND status = 'pending' AND claim_token = ?")) {
            c.setAutoCommit(false);
            try {
                List<Recorded> out = new ArrayList<>(deliveries.size());
                for (Delivered d : deliveries) {
                    mark.setObject(1, utc(d.now()));
                    mark.setLong(2, d.item().id());
                    mark.setLong(3, d.item().claimToken());
                    boolean changed = mark.executeUpdate() == 1;
                    OutboxItem next = null;
                    if (changed) {
                        if (d.created() != null) {
                            ExternalRefs.insert(c, d.created(), d.now());
                        }
                        next = claims.advance(c, d.item(), d.now(), d.leaseUntil());
                    }
                    out.add(new Recorded(changed, next));
                }
                refill(c, deliveries, out);
                c.commit();
                return out;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    /** Claims a new head for every recorded delivery that asked for one ({@code refillUntil}) and got no next row. */
    private void refill(Connection c, List<Delivered> deliveries, List<Recorded> out) throws SQLException {
        Map<String, List<Integer>> wanting = new LinkedHashMap<>();
        for (int i = 0; i < deliveries.size(); i++) {
            if (deliveries.get(i).refillUntil() != null && out.get(i).recorded() && out.get(i).next() == null) {
                wanting.computeIfAbsent(deliveries.get(i).item().connector(), k -> new ArrayList<>()).add(i);
            }
        }
        for (Map.Entry<String, List<Integer>> e : wanting.entrySet()) {
            Delivered first = deliveries.get(e.getValue().get(0));
            List<OutboxItem> heads = claims.claimIn(c, e.getKey(), e.getValue().size(), first.now(), first.refillUntil());
            for (int k = 0; k < heads.size(); k++) {
                out.set(e.getValue().get(k), new Recorded(true, heads.get(k)));
            }
        }
    }

    /**
     * Schedules the next attempt, or dead-letters the row when {@code dead}, counting the attempt when {@code counted}
     * (a rate-limited answer is not); like {@link #delivered}, only while the claim holds ({@code false} otherwise).
     */
    public boolean failed(OutboxItem item, String reason, Instant nextAttempt, boolean dead, boolean counted) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            return update(c, "UPDATE outbox SET attempts = attempts + ?, last_error = ?, next_attempt_at = ?, status = ?, "
                    + "claim_token = NULL WHERE id = ? AND status = 'pending' AND claim_token = ?", counted ? 1 : 0,
                    truncate(reason), utc(nextAttempt), dead ? "dead" : "pending", item.id(), item.claimToken()) == 1;
        }
    }

    /** A dead or skipped row becomes pending again, due now, with its attempts reset; any other row is left alone. */
    public boolean replay(long id, Instant now) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            return update(c, "UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = ?, claim_token = NULL "
                    + "WHERE id = ? AND status IN ('dead', 'skipped')", utc(now), id) == 1;
        }
    }

    /**
     * A dead row, or a pending row no delivery holds right now, is given up, releasing the incident's later
     * rows. A row being delivered (claimed, lease not run out) is left alone: its outcome will be recorded.
     */
    public boolean skip(long id, Instant now) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            boolean skipped = update(c, "UPDATE outbox SET status = 'skipped', claim_token = NULL WHERE id = ? AND (status = 'dead' "
                    + "OR (status = 'pending' AND (claim_token IS NULL OR next_attempt_at <= ?)))", id, utc(now)) == 1;
            if (skipped) {
                claims.unparkAfter(c, id, now); // the rows behind it were parked while it held them back
            }
            return skipped;
        }
    }

    /** Whether a delivery holds the row right now (claimed, lease running). */
    public boolean inFlight(long id, Instant now) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT 1 FROM outbox WHERE id = ? AND status = 'pending' AND claim_token IS NOT NULL AND next_attempt_at > ?")) {
            ps.setLong(1, id);
            ps.setObject(2, utc(now));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    public Optional<OutboxRow> row(long id) throws SQLException {
        return query("SELECT " + COLUMNS + " FROM outbox WHERE id = ?", List.of(id), 1).stream().findFirst();
    }

    /** Rows, oldest first, optionally of one connector and/or status. */
    public List<OutboxRow> list(String connector, String status, long afterId, int limit) throws SQLException {
        List<Object> params = new ArrayList<>();
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM outbox WHERE id > ?");
        params.add(afterId);
        if (connector != null) {
            sql.append(" AND connector = ?");
            params.add(connector);
        }
        if (status != null) {
            sql.append(" AND status = ?");
            params.add(status);
        }
        return query(sql + " ORDER BY id LIMIT ?", params, limit);
    }

    /** Rows of one connector in one status (for the pending/dead gauges). */
    public long count(String connector, String status) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM outbox WHERE connector = ? AND status = ?")) {
            ps.setString(1, connector);
            ps.setString(2, status);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /**
     * The commit time of the connector's oldest pending row (a delivery retrying, rate-limited or held back behind a
     * dead row), empty when none waits: the same index range over pending rows as {@link #count}.
     */
    public java.util.Optional<Instant> oldestPending(String connector) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT MIN(created_at) FROM outbox WHERE connector = ? AND status = 'pending'")) {
            ps.setString(1, connector);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return java.util.Optional.ofNullable(rs.getObject(1, OffsetDateTime.class)).map(OffsetDateTime::toInstant);
            }
        }
    }

    /** Pending and dead rows by connector ({@code [pending, dead]}), for the start's word on rows no route delivers. */
    public java.util.Map<String, long[]> waitingByConnector() throws SQLException {
        java.util.Map<String, long[]> waiting = new java.util.TreeMap<>();
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT connector, status, COUNT(*) FROM outbox "
                     + "WHERE status IN ('pending', 'dead') GROUP BY connector, status");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                waiting.computeIfAbsent(rs.getString(1), k -> new long[2])["dead".equals(rs.getString(2)) ? 1 : 0] = rs.getLong(3);
            }
        }
        return waiting;
    }

    /** The claim's query (parameters: connector, now, limit), for EXPLAIN in bench/ClaimCostBenchmark.java. */
    public static String claimQuery() {
        return OutboxClaims.DUE;
    }

    public DataSource dataSource() {
        return dataSource;
    }

    private List<OutboxRow> query(String sql, List<Object> params, int limit) throws SQLException {
        List<OutboxRow> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            int i = 1;
            for (Object p : params) {
                ps.setObject(i++, p);
            }
            if (sql.endsWith("LIMIT ?")) {
                ps.setInt(i, limit);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(read(rs));
                }
            }
        }
        return out;
    }

    /**
     * Makes every claimed pending row unclaimed and due at once: for a store only one process can open (embedded H2),
     * the claims found at start are those of a run that ended without recording them (kill -9, power loss), and waiting
     * out their lease ({@code GATEWAY_OUTBOX_LEASE_MS}) would hold their incidents back for nothing. Returns how many.
     */
    public int releaseClaimsOfEndedRun(Instant now) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(true);
            return update(c, "UPDATE outbox SET claim_token = NULL, next_attempt_at = ? WHERE status = 'pending' "
                    + "AND claim_token IS NOT NULL", utc(now));
        }
    }

    static int update(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            return ps.executeUpdate();
        }
    }

    private static OutboxRow read(ResultSet rs) throws SQLException {
        return new OutboxRow(rs.getLong("id"), rs.getString("connector"), rs.getString("incident_id"), rs.getString("event_id").trim(),
                rs.getLong("event_seq"), rs.getString("status"), rs.getInt("attempts"), instant(rs, "next_attempt_at"),
                instant(rs, "created_at"), instant(rs, "delivered_at"), rs.getString("last_error"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    static OffsetDateTime utc(Instant t) {
        return t.atOffset(ZoneOffset.UTC);
    }

    private static String truncate(String s) {
        return s == null || s.length() <= 2000 ? s : s.substring(0, 1997) + "...";
    }
}
