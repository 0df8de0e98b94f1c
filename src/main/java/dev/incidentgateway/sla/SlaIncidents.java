package dev.incidentgateway.sla;

import dev.incidentgateway.timeline.IncidentStatus;
import dev.incidentgateway.timeline.Severity;
import dev.incidentgateway.timeline.StoreUnavailableException;
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
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The store reads and writes of the SLA tracker: bounded pages of the incidents it has not settled, one incident's
 * whole timeline, and the settled marks ({@code sla_settled}).
 */
public final class SlaIncidents {
    static final int PAGE = 500;
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
        if (store.dialect() == SqlDialect.POSTGRESQL) {
            return new Walk(incidents("SELECT " + COLUMNS_PG + " FROM incidents i " + SETTLED_PG + " WHERE i.id > ? AND i.id <= ? AND "
                    + NEEDS_LOOK_PG + " ORDER BY i.id", Arrays.asList(afterId, last, at(now), policy)), last);
        }
        return new Walk(incidents(h2Sql("", "i.id > ? AND i.id <= ? ORDER BY i.id"), Arrays.asList(at(now), policy, afterId, last)), last);
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
     * tracker's time under webhook load, issue 13). On PostgreSQL see {@link #SETTLED_PG}.
     */
    List<Candidate> unsettledAmong(List<String> ids, Instant now, String policy) {
        if (ids.isEmpty()) {
            return List.of();
        }
        if (store.dialect() == SqlDialect.POSTGRESQL) {
            return incidents("SELECT " + COLUMNS_PG + " FROM unnest(CAST(? AS varchar[])) AS wanted(id) JOIN LATERAL "
                    + "(SELECT id, severity, status, last_seq FROM incidents WHERE id = wanted.id OFFSET 0) i ON TRUE " + SETTLED_PG
                    + " WHERE " + NEEDS_LOOK_PG + " ORDER BY i.id", Arrays.asList(new IdArray(ids), at(now), policy));
        }
        List<Object> params = new ArrayList<>(SqlLists.padded(ids, "")); // no incident has the id ""
        params.add(at(now));
        params.add(policy);
        return incidents(h2Sql("JOIN (VALUES " + SqlLists.rows(params.size() - 2, "(CAST(? AS VARCHAR))")
                + ") AS wanted(id) ON i.id = wanted.id", "TRUE ORDER BY i.id"), params);
    }

    /**
     * The rows of those of {@code ids} that exist (at most {@link #PAGE}), in one statement, for the SLA clocks of many
     * incidents at once ({@link SlaClockReader#clocksOf}); {@code marked} means nothing here.
     */
    List<Candidate> rows(List<String> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        List<Object> params = new ArrayList<>(SqlLists.padded(ids));
        return incidents("SELECT i.id, i.severity, i.status, i.last_seq, NULL FROM incidents i WHERE i.id IN ("
                + SqlLists.marks(params.size()) + ")", params);
    }

    /**
     * An incident a scan must look at: what the tracker reads of its row, and whether it had a settled row when read
     * ({@code marked}: {@link #settleAll} then updates that row instead of trying an insert first).
     */
    record Candidate(String id, Severity severity, IncidentStatus status, long lastSeq, boolean marked) {
    }

    /**
     * PostgreSQL: each incident's settled row is probed through its primary key, whatever the table sizes. With
     * {@code NOT EXISTS} (an anti-join) and an {@code IN} list the planner read both tables whole (hash anti-join over
     * a sequential scan of {@code sla_settled}, and of {@code incidents} until it was large): a page cost grew with the
     * store, and under webhook load this statement was the largest statement cost on the server (issue 13). The
     * {@code OFFSET 0} keeps each lateral subquery from being merged into a join the planner may turn into such scans.
     */
    private static final String SETTLED_PG =
            "LEFT JOIN LATERAL (SELECT last_seq, recheck_at, policy FROM sla_settled WHERE incident_id = i.id OFFSET 0) s ON TRUE";
    /** The {@code NOT EXISTS} of {@link #h2Sql} over the lateral row {@code s} (none: the incident has no settled row). */
    private static final String NEEDS_LOOK_PG = "(s.last_seq IS DISTINCT FROM i.last_seq OR (s.recheck_at IS NOT NULL "
            + "AND (s.recheck_at <= ? OR s.policy IS DISTINCT FROM ?)))";
    private static final String COLUMNS_PG = "i.id, i.severity, i.status, i.last_seq, s.last_seq";

    /** The ids of {@link #unsettledAmong} as one PostgreSQL array parameter (one SQL text for any page size). */
    private record IdArray(List<String> ids) {
    }

    /** The H2 statement: {@code join} and {@code where} name the incidents; its parameters are now and policy, then theirs. */
    private static String h2Sql(String join, String where) {
        return "SELECT i.id, i.severity, i.status, i.last_seq, "
                + "(SELECT m.last_seq FROM sla_settled m WHERE m.incident_id = i.id) FROM incidents i " + join + " WHERE NOT EXISTS "
                + "(SELECT 1 FROM sla_settled s WHERE s.incident_id = i.id AND s.last_seq = i.last_seq "
                + "AND (s.recheck_at IS NULL OR (s.recheck_at > ? AND s.policy = ?))) AND " + where;
    }

    private static OffsetDateTime at(Instant now) {
        return OffsetDateTime.ofInstant(now.isAfter(FOREVER) ? FOREVER : now, ZoneOffset.UTC);
    }

    /** Runs a candidates statement: columns id, severity, status, last_seq, and the settled row's last_seq (or null). */
    private List<Candidate> incidents(String sql, List<Object> params) {
        List<Candidate> out = new ArrayList<>();
        try (Connection c = store.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.size(); i++) {
                Object p = params.get(i);
                if (p instanceof IdArray a) {
                    ps.setArray(i + 1, c.createArrayOf("varchar", a.ids().toArray()));
                } else {
                    ps.setObject(i + 1, p);
                }
            }
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
        return ids("SELECT incident_id FROM sla_settled WHERE recheck_at <= ?", List.of(List.of(at(now))), "changed incidents");
    }

    /**
     * The open incidents declared in ({@code after}, {@code upTo}] that have no settled mark: those the tracker left to
     * {@link SlaDeclareCursor} (and any other not looked at yet). One range of ix_incidents_status_declared (status,
     * declared_at…) per open status; the mark is probed by its primary key (on PostgreSQL as in {@link #SETTLED_PG}).
     */
    Set<String> declaredUnsettled(Instant after, Instant upTo) {
        String settled = store.dialect() == SqlDialect.POSTGRESQL
                ? "LEFT JOIN LATERAL (SELECT 1 AS found FROM sla_settled WHERE incident_id = i.id OFFSET 0) s ON TRUE WHERE s.found IS NULL AND "
                : "WHERE NOT EXISTS (SELECT 1 FROM sla_settled s WHERE s.incident_id = i.id) AND ";
        return ids("SELECT i.id FROM incidents i " + settled + "i.status = ? AND i.declared_at > ? AND i.declared_at <= ?",
                Stream.of(IncidentStatus.DECLARED, IncidentStatus.ACKNOWLEDGED, IncidentStatus.MITIGATED)
                        .map(status -> List.<Object>of(status.wireName(), at(after), at(upTo))).toList(), "new incidents");
    }

    /** The ids in the first column of {@code sql}, run once with each of {@code runs} as its parameters. */
    private Set<String> ids(String sql, List<List<Object>> runs, String what) {
        Set<String> out = new HashSet<>();
        try (Connection c = store.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (List<Object> params : runs) {
                for (int i = 0; i < params.size(); i++) {
                    ps.setObject(i + 1, params.get(i));
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(rs.getString(1));
                    }
                }
            }
        } catch (SQLException e) {
            throw new StoreUnavailableException("the store could not list " + what + " for the SLA tracker", e);
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
                SettledMarks.write(c, store.dialect(), marks, OffsetDateTime.ofInstant(now, ZoneOffset.UTC));
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                if (!UNIQUE_VIOLATION.equals(e.getSQLState())) {
                    throw e;
                }
                for (Mark m : marks) { // a concurrent tracker inserted one of them: row by row, its row stands
                    try {
                        SettledMarks.write(c, store.dialect(), List.of(m), OffsetDateTime.ofInstant(now, ZoneOffset.UTC));
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
}
