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

/** The store reads of the SLA tracker: bounded pages of incidents by id, and one incident's whole timeline. */
public final class SlaIncidents {
    static final int PAGE = 500;
    private static final int TIMELINE_PAGE = 1000;

    private final TimelineStore store;

    public SlaIncidents(TimelineStore store) {
        this.store = store;
    }

    /** Up to {@link #PAGE} incidents with an id above {@code afterId}: open ones, and those resolved since {@code resolvedSince}. */
    List<Incident> openOrRecentlyResolved(String afterId, Instant resolvedSince) {
        String sql = "SELECT id, severity, status FROM incidents WHERE id > ? AND (status IN (?, ?, ?) OR resolved_at >= ?) "
                + "ORDER BY id LIMIT " + PAGE;
        List<Incident> out = new ArrayList<>();
        try (Connection c = store.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, afterId);
            ps.setString(2, IncidentStatus.DECLARED.wireName());
            ps.setString(3, IncidentStatus.ACKNOWLEDGED.wireName());
            ps.setString(4, IncidentStatus.MITIGATED.wireName());
            ps.setObject(5, OffsetDateTime.ofInstant(resolvedSince, ZoneOffset.UTC));
            readInto(ps, out);
        } catch (SQLException e) {
            throw new StoreUnavailableException("the store could not list incidents for the SLA tracker", e);
        }
        return out;
    }

    /** Incidents declared in [{@code from}, {@code to}), at most {@code limit}, oldest first. */
    List<Incident> declaredBetween(Instant from, Instant to, int limit) {
        String sql = "SELECT id, severity, status FROM incidents WHERE declared_at >= ? AND declared_at < ? ORDER BY declared_at, id LIMIT " + limit;
        List<Incident> out = new ArrayList<>();
        try (Connection c = store.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, OffsetDateTime.ofInstant(from, ZoneOffset.UTC));
            ps.setObject(2, OffsetDateTime.ofInstant(to, ZoneOffset.UTC));
            readInto(ps, out);
        } catch (SQLException e) {
            throw new StoreUnavailableException("the store could not list incidents for the SLA report", e);
        }
        return out;
    }

    private static void readInto(PreparedStatement ps, List<Incident> out) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new Incident(rs.getString(1), null, Severity.fromWire(rs.getString(2)).orElse(Severity.DEFAULT),
                        IncidentStatus.fromWire(rs.getString(3)).orElse(null), null, null, null, null, null, null, null, 0, null, 0));
            }
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
