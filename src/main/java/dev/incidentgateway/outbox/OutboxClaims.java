package dev.incidentgateway.outbox;

import dev.incidentgateway.store.SqlLists;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;

import static dev.incidentgateway.outbox.OutboxStore.update;
import static dev.incidentgateway.outbox.OutboxStore.utc;

/**
 * How outbox rows are claimed, at a cost that does not grow with the backlog.
 *
 * <p>A row may be delivered only when it is its incident's head: no earlier row of the incident and connector is
 * pending or dead. The general claim ({@link #claimDue}) walks the connector's pending, due rows in
 * {@code next_attempt_at} order straight off the index {@code (connector, status, next_attempt_at)} and stops after
 * a few more rows than it needs: it never reads the whole backlog. The rows it meets that are not heads (queued
 * behind a head being delivered, waiting for a retry, or dead) are <em>parked</em>: their {@code next_attempt_at}
 * moves one lease ahead, out of the range the next claims read, so a backlog of one busy incident is not read again
 * on every claim. A parked row is taken up by {@link #advance}: the transaction that records its predecessor's outcome
 * claims it (no pass, no poll in between) or, when the slot is handed back, makes it due at once.
 *
 * <p>That hand-over must never be missed, whichever instance parks and whichever records, and it is ordered by row
 * locks in the database, not by anything held in memory: a claim locks ({@code FOR UPDATE SKIP LOCKED}) the rows it
 * reads and, for each row it parks, the earliest open row before it (its <em>blocker</em>), and parks only while that
 * blocker is still open. An outcome transaction updates its row first, so it waits for a claim that holds that row
 * and then sees the park; if it holds the row first, the claim skips it and parks nothing behind it. A claim never
 * waits for a lock (rows locked by someone else are left for the next claim), so claims and outcomes cannot deadlock.
 */
final class OutboxClaims {
    private static final String COLUMNS = "o.id, o.connector, o.incident_id, o.event_id, o.event_seq, o.incident_status, "
            + "o.attempts, o.next_attempt_at, o.created_at";
    /**
     * The earliest open row before this one (pending first, else dead), or null when the row is its incident's head. Two
     * probes of index {@code ix_outbox_open} (V13_2: partial on PostgreSQL, status-keyed on H2), one per status, so the
     * cost does not grow with the incident's delivered rows.
     */
    private static final String BLOCKER = "COALESCE(" + blockerWith("pending") + ", " + blockerWith("dead") + ")";
    /**
     * Ordered by the index's own columns (connector and status are constants here) so that H2 and PostgreSQL both read
     * the index in order and stop at the limit; ordering by id instead made them read and sort every due row.
     */
    static final String DUE = "SELECT " + COLUMNS + ", " + BLOCKER + " AS blocker "
            + "FROM outbox o WHERE o.connector = ? AND o.status = 'pending' AND o.next_attempt_at <= ? "
            + "ORDER BY o.connector, o.status, o.next_attempt_at LIMIT ?";
    private static final String NEXT = "SELECT " + COLUMNS + ", " + BLOCKER + " AS blocker "
            + "FROM outbox o WHERE o.connector = ? AND o.incident_id = ? AND o.event_seq > ? AND o.status = 'pending' "
            + "ORDER BY o.connector, o.incident_id, o.event_seq LIMIT 1";
    private static final String CLAIM = "UPDATE outbox SET next_attempt_at = ?, claim_token = ? WHERE id = ? "
            + "AND status = 'pending' AND next_attempt_at = ?";
    /** Claims a parked (or lease-expired) successor whatever its next_attempt_at: parking only hid it from the scan. */
    private static final String CLAIM_NEXT = "UPDATE outbox SET next_attempt_at = ?, claim_token = ? WHERE id = ? "
            + "AND status = 'pending' AND (claim_token IS NULL OR next_attempt_at <= ?)";
    /** Parks a row while its blocker (locked by this transaction) is still open. */
    private static final String PARK = "UPDATE outbox SET next_attempt_at = ?, claim_token = NULL WHERE id = ? "
            + "AND status = 'pending' AND next_attempt_at = ? AND EXISTS (SELECT 1 FROM outbox p WHERE p.id = ? "
            + "AND p.status IN ('pending', 'dead'))";
    private static final String UNPARK = "UPDATE outbox SET next_attempt_at = ? WHERE id = ? AND status = 'pending' "
            + "AND claim_token IS NULL AND next_attempt_at > ?";
    /** Rows read beyond those wanted, so a claim gets past a few held-back rows (which it parks) in one query. */
    private static final int SLACK = 32;
    /**
     * The same for a refill ({@link #claimIn}), which wants one head per slot: reading 32 rows more (each with its two
     * blocker probes and its lock) to take one head was a tenth of a busy relay's outcome transactions. A refill whose
     * window held no head but parked rows looks again, as a claim's next round would.
     */
    private static final int REFILL_SLACK = 4;
    /** Queries one claim makes at most; held-back rows it could not get past are parked and skipped by the next claim. */
    private static final int ROUNDS = 8;

    private static String blockerWith(String status) {
        return "(SELECT p.id FROM outbox p WHERE p.connector = o.connector AND p.incident_id = o.incident_id "
                + "AND p.status = '" + status + "' AND p.event_seq < o.event_seq "
                + "ORDER BY p.connector, p.incident_id, p.status, p.event_seq LIMIT 1)";
    }

    private final DataSource dataSource;

    OutboxClaims(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * Claims up to {@code limit} heads that are due, parking until {@code leaseUntil} the held-back rows read on the way.
     * Each claim carries a fresh token; the row's lease is {@code leaseUntil}.
     */
    List<OutboxItem> claimDue(String connector, int limit, Instant now, Instant leaseUntil) throws SQLException {
        List<OutboxItem> claimed = new ArrayList<>();
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false); // one commit per round, not one per row (on PostgreSQL each commit waits for the WAL flush)
            for (int round = 0; round < ROUNDS && claimed.size() < limit; round++) {
                Round r;
                try {
                    r = round(c, connector, limit - claimed.size(), SLACK, now, leaseUntil);
                    c.commit();
                } catch (SQLException | RuntimeException e) {
                    c.rollback();
                    throw e;
                }
                claimed.addAll(r.taken());
                if (!r.mayFindMore()) {
                    break;
                }
            }
        }
        return claimed;
    }

    /**
     * {@link #claimDue} inside the caller's transaction {@code c} (committed by the caller), reading a narrow window per
     * round ({@link #REFILL_SLACK}): the transaction that records delivered outcomes uses it to give a slot whose incident
     * has nothing more a new head at once, in the same commit, instead of handing the slot back to the relay's driving
     * thread for a claim (and a commit) of its own.
     */
    List<OutboxItem> claimIn(Connection c, String connector, int limit, Instant now, Instant leaseUntil) throws SQLException {
        List<OutboxItem> claimed = new ArrayList<>();
        for (int round = 0; round < ROUNDS && claimed.size() < limit; round++) {
            Round r = round(c, connector, limit - claimed.size(), REFILL_SLACK, now, leaseUntil);
            claimed.addAll(r.taken());
            if (!r.mayFindMore()) {
                break;
            }
        }
        return claimed;
    }

    /**
     * @param taken       the rows this round claimed
     * @param mayFindMore whether another query could find heads this one did not (it read all it asked for and parked
     *                    some held-back rows out of the way)
     */
    private record Round(List<OutboxItem> taken, boolean mayFindMore) {
    }

    private static Round round(Connection c, String connector, int limit, int slack, Instant now, Instant leaseUntil)
            throws SQLException {
        try (PreparedStatement due = c.prepareStatement(DUE); PreparedStatement claim = c.prepareStatement(CLAIM);
             PreparedStatement park = c.prepareStatement(PARK)) {
            int wanted = limit + slack;
            due.setString(1, connector);
            due.setObject(2, utc(now));
            due.setInt(3, wanted);
            List<ClaimCandidate> candidates = ClaimCandidate.read(due);
            List<ClaimCandidate> chosen = new ArrayList<>();
            int heads = 0;
            for (ClaimCandidate cand : candidates) {
                if (cand.heldBack() || heads++ < limit) {
                    chosen.add(cand); // more heads than wanted are left for the next claim
                }
            }
            Set<Long> locked = lock(c, chosen);
            chosen.sort(Comparator.comparingLong(cand -> cand.item().id()));
            List<OutboxItem> tried = new ArrayList<>();
            for (ClaimCandidate cand : chosen) { // one round trip for all the parks and one for all the claims
                if (!locked.contains(cand.item().id())) {
                    continue; // being recorded or claimed elsewhere right now: left for the next claim
                }
                if (cand.heldBack()) {
                    if (locked.contains(cand.blocker())) {
                        batch(park, utc(leaseUntil), cand.item().id(), utc(cand.nextAttemptAt()), cand.blocker());
                    }
                } else {
                    tried.add(cand.item().withClaimToken(ThreadLocalRandom.current().nextLong()));
                    batch(claim, utc(leaseUntil), tried.get(tried.size() - 1).claimToken(), cand.item().id(),
                            utc(cand.nextAttemptAt()));
                }
            }
            int parked = changed(park.executeBatch()).length;
            int[] won = tried.isEmpty() ? new int[0] : claim.executeBatch();
            List<OutboxItem> taken = new ArrayList<>();
            for (int i = 0; i < tried.size(); i++) {
                if (won[i] == 1) {
                    taken.add(tried.get(i)); // else another instance claimed it first
                }
            }
            // no more due rows, or none moved out of the way: the next query would read the same rows
            return new Round(taken, candidates.size() >= wanted && parked > 0);
        }
    }

    /**
     * Locks the chosen rows and their blockers that no other transaction holds (never waits), in this transaction;
     * returns the ids it holds.
     */
    private static Set<Long> lock(Connection c, List<ClaimCandidate> chosen) throws SQLException {
        Set<Long> ids = new TreeSet<>();
        for (ClaimCandidate cand : chosen) {
            ids.add(cand.item().id());
            if (cand.heldBack()) {
                ids.add(cand.blocker());
            }
        }
        Set<Long> locked = new HashSet<>();
        if (ids.isEmpty()) {
            return locked;
        }
        String sql = "SELECT id FROM outbox WHERE id IN (" + SqlLists.marks(ids.size())
                + ") FOR UPDATE SKIP LOCKED";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            int i = 1;
            for (Long id : ids) {
                ps.setLong(i++, id);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    locked.add(rs.getLong(1));
                }
            }
        }
        return locked;
    }

    private static void batch(PreparedStatement ps, Object... params) throws SQLException {
        for (int i = 0; i < params.length; i++) {
            ps.setObject(i + 1, params[i]);
        }
        ps.addBatch();
    }

    /** The entries of a batch's update counts that changed a row. */
    private static int[] changed(int[] counts) {
        return java.util.Arrays.stream(counts).filter(n -> n > 0).toArray();
    }

    /**
     * After row {@code done}'s outcome, inside the transaction that records it: claims the incident's next row when
     * {@code leaseUntil} is given and that row is now the head (returned, with its token), or otherwise makes a parked
     * next row due {@code now}, so a general claim finds it.
     */
    OutboxItem advance(Connection c, OutboxItem done, Instant now, Instant leaseUntil) throws SQLException {
        ClaimCandidate next;
        try (PreparedStatement ps = c.prepareStatement(NEXT)) {
            ps.setString(1, done.connector());
            ps.setString(2, done.incidentId());
            ps.setLong(3, done.eventSeq());
            List<ClaimCandidate> found = ClaimCandidate.read(ps);
            if (found.isEmpty()) {
                return null;
            }
            next = found.get(0);
        }
        if (next.heldBack()) {
            return null; // an earlier row was replayed meanwhile: it goes first
        }
        if (leaseUntil != null) {
            long token = ThreadLocalRandom.current().nextLong();
            if (update(c, CLAIM_NEXT, utc(leaseUntil), token, next.item().id(), utc(now)) == 1) {
                return next.item().withClaimToken(token);
            }
            return null; // held by another delivery (another instance's claim)
        }
        update(c, UNPARK, utc(now), next.item().id(), utc(now));
        return null;
    }

    /** Makes the row after {@code id} (of its incident and connector) due now if it was parked (after a skip). */
    void unparkAfter(Connection c, long id, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + ", NULL AS blocker FROM outbox o WHERE o.id = ?")) {
            ps.setLong(1, id);
            List<ClaimCandidate> row = ClaimCandidate.read(ps);
            if (!row.isEmpty()) {
                advance(c, row.get(0).item(), now, null);
            }
        }
    }
}
