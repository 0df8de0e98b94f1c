package dev.incidentgateway.sla;

import dev.incidentgateway.timeline.Incident;
import dev.incidentgateway.timeline.IncidentStatus;
import dev.incidentgateway.timeline.Severity;
import dev.incidentgateway.timeline.StoreUnavailableException;
import dev.incidentgateway.timeline.TimelineEvent;
import dev.incidentgateway.timeline.TimelineStore;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

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

    /** Incidents not settled for good (see {@link #unsettled(String, Instant, String)}), whatever their recheck moments. */
    List<Incident> unsettled(String afterId) {
        return unsettled(afterId, Instant.MAX, "");
    }

    /**
     * Up to {@link #PAGE} incidents with an id above {@code afterId} that need a look at {@code now}: every incident
     * without a settled row at its current {@code last_seq}, every open one whose recheck moment has come or whose moment
     * was computed with other policies than {@code policy}; resolved or closed ones stay settled until their next event.
     * The anti-join runs in the store, so settled incidents cost no timeline read.
     */
    List<Incident> unsettled(String afterId, Instant now, String policy) {
        String sql = "SELECT i.id, i.severity, i.status, i.last_seq FROM incidents i WHERE i.id > ? AND NOT EXISTS "
                + "(SELECT 1 FROM sla_settled s WHERE s.incident_id = i.id AND s.last_seq = i.last_seq "
                + "AND (s.recheck_at IS NULL OR (s.recheck_at > ? AND s.policy = ?))) ORDER BY i.id LIMIT " + PAGE;
        List<Incident> out = new ArrayList<>();
        try (Connection c = store.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, afterId);
            ps.setObject(2, OffsetDateTime.ofInstant(now.isAfter(FOREVER) ? FOREVER : now, ZoneOffset.UTC));
            ps.setString(3, policy);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Incident(rs.getString(1), null, Severity.fromWire(rs.getString(2)).orElse(Severity.DEFAULT),
                            IncidentStatus.fromWire(rs.getString(3)).orElse(null), null, null, null, null, null, null, null,
                            rs.getLong(4), null, 0));
                }
            }
        } catch (SQLException e) {
            throw new StoreUnavailableException("the store could not list incidents for the SLA tracker", e);
        }
        return out;
    }

    /** Marks a resolved or closed incident settled at {@code lastSeq} until its next event; see {@link #settle(String, long, Instant, Instant, String)}. */
    void settle(String incidentId, long lastSeq, Instant now) {
        settle(incidentId, lastSeq, now, null, null);
    }

    /**
     * Marks an incident settled at {@code lastSeq}: not looked at again before {@code recheckAt} ({@code null}: until its
     * next event) unless the policies change ({@code policy}, their fingerprint). Idempotent across trackers: a row is
     * never moved back to an older {@code last_seq}, and a concurrent insert of the same incident (another instance) is fine.
     */
    void settle(String incidentId, long lastSeq, Instant now, Instant recheckAt, String policy) {
        OffsetDateTime at = OffsetDateTime.ofInstant(now, ZoneOffset.UTC);
        OffsetDateTime recheck = recheckAt == null ? null
                : OffsetDateTime.ofInstant(recheckAt.isAfter(FOREVER) ? FOREVER : recheckAt, ZoneOffset.UTC);
        try (Connection c = store.dataSource().getConnection()) {
            try (PreparedStatement up = c.prepareStatement(
                    "UPDATE sla_settled SET last_seq = ?, settled_at = ?, recheck_at = ?, policy = ? WHERE incident_id = ? AND last_seq <= ?")) {
                up.setLong(1, lastSeq);
                up.setObject(2, at);
                up.setObject(3, recheck, java.sql.Types.TIMESTAMP_WITH_TIMEZONE);
                up.setString(4, policy);
                up.setString(5, incidentId);
                up.setLong(6, lastSeq);
                if (up.executeUpdate() > 0) {
                    return;
                }
            }
            try (PreparedStatement ins = c.prepareStatement("INSERT INTO sla_settled (incident_id, last_seq, settled_at, recheck_at, policy) "
                    + "SELECT ?, ?, ?, ?, ? FROM (VALUES (1)) AS one(x) WHERE NOT EXISTS (SELECT 1 FROM sla_settled WHERE incident_id = ?)")) {
                ins.setString(1, incidentId);
                ins.setLong(2, lastSeq);
                ins.setObject(3, at);
                ins.setObject(4, recheck, java.sql.Types.TIMESTAMP_WITH_TIMEZONE);
                ins.setString(5, policy);
                ins.setString(6, incidentId);
                ins.executeUpdate();
            } catch (SQLException e) {
                if (!UNIQUE_VIOLATION.equals(e.getSQLState())) {
                    throw e;
                }
            }
        } catch (SQLException e) {
            throw new StoreUnavailableException("the store could not record a settled SLA incident", e);
        }
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
