package dev.incidentgateway.sla;

import dev.incidentgateway.timeline.IncidentStatus;
import dev.incidentgateway.timeline.Severity;
import dev.incidentgateway.timeline.StoreUnavailableException;
import dev.incidentgateway.timeline.TimelineEvent;
import dev.incidentgateway.timeline.TimelineStore;

import dev.incidentgateway.store.SqlDialect;
import dev.incidentgateway.store.SqlLists;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The store reads and writes of the SLA tracker: bounded pages of the incidents it has not settled, one incident's
 * whole timeline, and the settled marks ({@code sla_settled}).
 */
public final class SlaIncidents {
    static final int PAGE = 500;
    private static final int TIMELINE_PAGE = 1000;
    /** SQLState of a unique-key violation, the same on H2 and PostgreSQL. */
    private static final String UNIQUE_VIOLATION = "23505";
    /** The latest recheck moment stored (both stores' timestamps reach year 9999): "only after the next event". */
    static final Instant FOREVER = Instant.parse("9999-12-31T00:00:00Z");

    private final TimelineStore store;

    public SlaIncidents(TimelineStore store) {
        this.store = store;
    }

    /** As {@link #unsettled(String, Instant, String)}, whatever the incidents' recheck moments. */
    Walk unsettled(String afterId) {
        return unsettled(afterId, Instant.MAX, "");
    }

    /**
     * One step of a walk over every incident: of the next {@link #PAGE} incident ids above {@code afterId}, those that
     * need a look at {@code now}: every incident without a settled row at its current {@code last_seq}, every open one
     * whose recheck moment has come or whose moment was computed with other policies than {@code policy}; resolved or
     * closed ones stay settled until their next event. The anti-join runs in the store, so settled incidents cost no
     * timeline read (but the walk reads every incident row: the tracker does it once, then follows
     * {@link SlaTimelines#since} and {@link #recheckDue}).
     * <p>
     * Each step reads a bounded range of ids, not "the next {@link #PAGE} unsettled ones": when (nearly) every incident
     * is settled, that one statement read all of them. At 100k incidents on a busy H2 it outlasted the statement
     * timeout (the append timeout), so the first scan failed every 30 s and started again from the first incident,
     * about a quarter of a core at rest, and no SLA note ever fell due (issue 13, bench/README.md "Scale").
     */
    Walk unsettled(String afterId, Instant now, String policy) {
        String last = rangeEnd(afterId);
        if (last == null) {
            return new Walk(List.of(), null);
        }
        return new Walk(incidents("", "i.id > ? AND i.id <= ? ORDER BY i.id", List.of(afterId, last), now, policy), last);
    }

    /** A step of the walk: the candidates of its range and the range's last incident id ({@code null}: nothing was left). */
    record Walk(List<Candidate> candidates, String lastId) {
    }

    /** The {@link #PAGE}th incident id above {@code afterId} (or the last one), {@code null} if there is none. */
    private String rangeEnd(String afterId) {
        try (Connection c = store.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT MAX(p.id) FROM (SELECT id FROM incidents WHERE id > ? ORDER BY id LIMIT "
                     + PAGE + ") p")) {
            ps.setString(1, afterId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        } catch (SQLException e) {
            throw new StoreUnavailableException("the store could not list incidents for the SLA tracker", e);
        }
    }

    /**
     * Those of {@code ids} (at most {@link #PAGE}) that need a look at {@code now}, as in {@link #unsettled(String, Instant, String)}.
     * On H2 the ids are a {@code VALUES} list joined to the primary key: H2 probes the index for an {@code IN} list too,
     * but then tests every row it found against the whole list again, 512 string compares a row (a fifth of the
     * tracker's time under webhook load, issue 13). PostgreSQL keeps the {@code IN} list (one index scan over the array).
     */
    List<Candidate> unsettledAmong(List<String> ids, Instant now, String policy) {
        if (ids.isEmpty()) {
            return List.of();
        }
        if (store.dialect() == SqlDialect.H2) {
            List<String> keys = SqlLists.padded(ids, ""); // no incident has the id ""
            return incidents("JOIN (VALUES " + SqlLists.rows(keys.size(), "(CAST(? AS VARCHAR))")
                    + ") AS wanted(id) ON i.id = wanted.id", "TRUE ORDER BY i.id", keys, now, policy);
        }
        List<String> keys = SqlLists.padded(ids);
        return incidents("", "i.id IN (" + SqlLists.marks(keys.size()) + ") ORDER BY i.id", keys, now, policy);
    }

    /**
     * An incident a scan must look at: what the tracker reads of its row, and whether it had a settled row when read
     * ({@code marked}: {@link #settleAll} then updates that row instead of trying an insert first).
     */
    record Candidate(String id, Severity severity, IncidentStatus status, long lastSeq, boolean marked) {
    }

    /** {@code join} (its parameters first) and {@code where} name the incidents; {@code ids} are their parameters. */
    private List<Candidate> incidents(String join, String where, List<String> ids, Instant now, String policy) {
        String sql = "SELECT i.id, i.severity, i.status, i.last_seq, "
                + "(SELECT m.last_seq FROM sla_settled m WHERE m.incident_id = i.id) FROM incidents i " + join + " WHERE NOT EXISTS "
                + "(SELECT 1 FROM sla_settled s WHERE s.incident_id = i.id AND s.last_seq = i.last_seq "
                + "AND (s.recheck_at IS NULL OR (s.recheck_at > ? AND s.policy = ?))) AND " + where;
        List<Candidate> out = new ArrayList<>();
        try (Connection c = store.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            int first = join.isEmpty() ? 3 : 1; // the join's parameters come before the anti-join's two
            for (int i = 0; i < ids.size(); i++) {
                ps.setString(first + i, ids.get(i));
            }
            int at = join.isEmpty() ? 1 : ids.size() + 1;
            ps.setObject(at, OffsetDateTime.ofInstant(now.isAfter(FOREVER) ? FOREVER : now, ZoneOffset.UTC));
            ps.setString(at + 1, policy);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Candidate(rs.getString(1), Severity.fromWire(rs.getString(2)).orElse(Severity.DEFAULT),
                            IncidentStatus.fromWire(rs.getString(3)).orElse(null), rs.getLong(4), rs.getObject(5) != null));
                }
            }
        } catch (SQLException e) {
            throw new StoreUnavailableException("the store could not list incidents for the SLA tracker", e);
        }
        return out;
    }

    /**
     * The incidents whose recheck moment has come by {@code now} (ix_sla_settled_recheck): with those that have events since
     * its last scan ({@link SlaTimelines#since}), what a scan after the first must look at. What it costs depends on what
     * changed, not on the store's size.
     */
    Set<String> recheckDue(Instant now) {
        Set<String> out = new HashSet<>();
        try (Connection c = store.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT incident_id FROM sla_settled WHERE recheck_at <= ?")) {
            ps.setObject(1, OffsetDateTime.ofInstant(now.isAfter(FOREVER) ? FOREVER : now, ZoneOffset.UTC));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        } catch (SQLException e) {
            throw new StoreUnavailableException("the store could not list changed incidents for the SLA tracker", e);
        }
        return out;
    }

    /** The newest event id ("" for an empty store): a scan that starts now sees every event up to it. */
    String newestEventId() {
        return store.newestEventId().orElse("");
    }

    /**
     * A settled mark: see {@link #settleAll}. {@code recheckAt} {@code null}: until the next event. {@code marked}: the
     * incident had a settled row when the scan read it (an update, not an insert, is what will most likely take).
     */
    record Mark(String incidentId, long lastSeq, Instant recheckAt, String policy, boolean marked) {
    }

    /**
     * Marks incidents settled, each at its {@code lastSeq}: not looked at again before its {@code recheckAt} unless the
     * policies change ({@code policy}, their fingerprint) or it has a new event. One transaction for the page (a commit
     * per incident made the first scan of 100k open incidents take minutes). Idempotent across trackers: a row is never
     * moved back to an older {@code last_seq}; if another instance inserted one of the rows first, the page is retried
     * row by row.
     */
    void settleAll(List<Mark> marks, Instant now) {
        if (marks.isEmpty()) {
            return;
        }
        try (Connection c = store.dataSource().getConnection()) {
            boolean auto = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                write(c, marks, OffsetDateTime.ofInstant(now, ZoneOffset.UTC));
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                if (!UNIQUE_VIOLATION.equals(e.getSQLState())) {
                    throw e;
                }
                for (Mark m : marks) { // a concurrent tracker inserted one of them: row by row, its row stands
                    try {
                        write(c, List.of(m), OffsetDateTime.ofInstant(now, ZoneOffset.UTC));
                        c.commit();
                    } catch (SQLException one) {
                        c.rollback();
                        if (!UNIQUE_VIOLATION.equals(one.getSQLState())) {
                            throw one;
                        }
                    }
                }
            } finally {
                c.setAutoCommit(auto);
            }
        } catch (SQLException e) {
            throw new StoreUnavailableException("the store could not record settled SLA incidents", e);
        }
    }

    /**
     * Inserts the marks of incidents that had no settled row when read and updates the others (and those whose insert
     * found a row after all: another tracker's, inserted meanwhile). The same outcome as an update tried first for every
     * mark, without an update that misses for each new incident (issue 13: half the cost of settling a page of them).
     */
    private static void write(Connection c, List<Mark> marks, OffsetDateTime at) throws SQLException {
        List<Mark> updates = new ArrayList<>();
        List<Mark> inserts = new ArrayList<>();
        for (Mark m : marks) {
            (m.marked() ? updates : inserts).add(m);
        }
        if (!inserts.isEmpty()) {
            try (PreparedStatement ins = c.prepareStatement("INSERT INTO sla_settled (incident_id, last_seq, settled_at, recheck_at, policy) "
                    + "SELECT ?, ?, ?, ?, ? FROM (VALUES (1)) AS one(x) WHERE NOT EXISTS (SELECT 1 FROM sla_settled WHERE incident_id = ?)")) {
                for (Mark m : inserts) {
                    ins.setString(1, m.incidentId());
                    ins.setLong(2, m.lastSeq());
                    ins.setObject(3, at);
                    ins.setObject(4, recheck(m), java.sql.Types.TIMESTAMP_WITH_TIMEZONE);
                    ins.setString(5, m.policy());
                    ins.setString(6, m.incidentId());
                    ins.addBatch();
                }
                int[] inserted = ins.executeBatch();
                for (int i = 0; i < inserted.length; i++) {
                    if (inserted[i] == 0) {
                        updates.add(inserts.get(i));
                    }
                }
            }
        }
        if (updates.isEmpty()) {
            return;
        }
        try (PreparedStatement up = c.prepareStatement(
                "UPDATE sla_settled SET last_seq = ?, settled_at = ?, recheck_at = ?, policy = ? WHERE incident_id = ? AND last_seq <= ?")) {
            for (Mark m : updates) {
                up.setLong(1, m.lastSeq());
                up.setObject(2, at);
                up.setObject(3, recheck(m), java.sql.Types.TIMESTAMP_WITH_TIMEZONE);
                up.setString(4, m.policy());
                up.setString(5, m.incidentId());
                up.setLong(6, m.lastSeq());
                up.addBatch();
            }
            up.executeBatch(); // a miss: another tracker moved the row past this mark's last_seq, its row stands
        }
    }

    private static OffsetDateTime recheck(Mark m) {
        return m.recheckAt() == null ? null
                : OffsetDateTime.ofInstant(m.recheckAt().isAfter(FOREVER) ? FOREVER : m.recheckAt(), ZoneOffset.UTC);
    }

    List<TimelineEvent> timeline(String incidentId) {
        List<TimelineEvent> all = new ArrayList<>();
        List<TimelineEvent> page;
        String after = null;
        do {
            page = store.timeline(incidentId, after, TIMELINE_PAGE);
            all.addAll(page);
            after = page.isEmpty() ? null : page.get(page.size() - 1).id();
        } while (page.size() == TIMELINE_PAGE);
        return all;
    }
}
