package dev.incidentgateway.sla;

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
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * The reads behind the SLA report: the incidents declared in [from, to), streamed from the store with a cursor (their
 * severity and last seq only), and their status-changing events (declare, ack, mitigate, resolve, close, state_change)
 * read as the SLA tracker reads them, a page of incidents a statement ({@link SlaTimelines#of}), handed on one incident
 * at a time. Notes and role assignments never leave the store, and only a page's few events are in memory at once.
 *
 * <p>One statement joining the incidents to their events did it all before, but its filter on the event type needs
 * every event's row, so an incident of many notes cost the report all of them: on H2 a few incidents of 87,000 events ran
 * the statement past its timeout, and the report answered 503 however healthy the store. Read as the tracker reads, an
 * incident of more than {@link SlaTimelines#WINDOW} events is read alone, a window of seqs a statement.
 */
final class SlaReportQuery {
    /** Rows fetched per round trip; PostgreSQL streams with a cursor only inside a transaction with a fetch size. */
    private static final int FETCH = 2_000;
    private static final String INCIDENTS = "SELECT id, severity, last_seq FROM incidents WHERE declared_at >= ? AND declared_at < ?";

    private final TimelineStore store;
    private final SlaTimelines timelines;

    SlaReportQuery(TimelineStore store) {
        this.store = store;
        this.timelines = new SlaTimelines(store);
    }

    /** Calls {@code perIncident} with each incident's severity and status-changing events, incident by incident. */
    void forEachIncident(Instant from, Instant to, BiConsumer<Severity, List<TimelineEvent>> perIncident) {
        try (Connection c = store.dataSource().getConnection()) {
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement(INCIDENTS)) {
                ps.setFetchSize(FETCH);
                ps.setObject(1, OffsetDateTime.ofInstant(from, ZoneOffset.UTC));
                ps.setObject(2, OffsetDateTime.ofInstant(to, ZoneOffset.UTC));
                Map<String, Long> page = new LinkedHashMap<>();
                Map<String, Severity> severities = new HashMap<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        page.put(rs.getString(1), rs.getLong(3));
                        severities.put(rs.getString(1), Severity.fromWire(rs.getString(2)).orElse(Severity.DEFAULT));
                        if (page.size() == SlaIncidents.PAGE) {
                            report(page, severities, perIncident);
                        }
                    }
                }
                report(page, severities, perIncident);
            } finally {
                c.rollback(); // read only: nothing to keep
                c.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            throw new StoreUnavailableException("the store could not read the incidents for the SLA report", e);
        }
    }

    /** Hands on a page of incidents with their events (on a second connection: the first holds the cursor), then empties it. */
    private void report(Map<String, Long> page, Map<String, Severity> severities, BiConsumer<Severity, List<TimelineEvent>> perIncident) {
        if (page.isEmpty()) {
            return;
        }
        Map<String, SlaTimelines.Timeline> read = timelines.of(page);
        for (String id : page.keySet()) {
            SlaTimelines.Timeline timeline = read.get(id);
            if (timeline != null) {
                perIncident.accept(severities.get(id), timeline.clockEvents());
            }
        }
        page.clear();
        severities.clear();
    }
}
