package dev.incidentgateway.sla;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.incidentgateway.timeline.EventType;
import dev.incidentgateway.timeline.Severity;
import dev.incidentgateway.timeline.StoreUnavailableException;
import dev.incidentgateway.timeline.TimelineEvent;
import dev.incidentgateway.timeline.TimelineStore;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * The one query behind the SLA report: for every incident declared in [from, to), its status-changing events
 * (declare, ack, mitigate, resolve, close, state_change) in seq order, streamed from the store with a cursor and handed
 * on one incident at a time. One statement however many incidents the range holds (no query per incident), and only
 * one incident's few events in memory at once; notes and role assignments never leave the store.
 */
final class SlaReportQuery {
    /** Rows fetched per round trip; PostgreSQL streams with a cursor only inside a transaction with a fetch size. */
    private static final int FETCH = 2_000;
    private static final String SQL = "SELECT e.incident_id, i.severity, e.seq, e.type, e.event_time, e.data "
            + "FROM incidents i JOIN timeline_events e ON e.incident_id = i.id "
            + "WHERE i.declared_at >= ? AND i.declared_at < ? AND e.type IN (?, ?, ?, ?, ?, ?) ORDER BY e.incident_id, e.seq";
    private static final List<EventType> STATUS_EVENTS = List.of(EventType.DECLARE, EventType.ACK, EventType.MITIGATE,
            EventType.RESOLVE, EventType.CLOSE, EventType.STATE_CHANGE);

    private final TimelineStore store;
    private final ObjectMapper json;

    SlaReportQuery(TimelineStore store, ObjectMapper json) {
        this.store = store;
        this.json = json;
    }

    /** Calls {@code perIncident} with each incident's severity and status-changing events, incident by incident. */
    void forEachIncident(Instant from, Instant to, BiConsumer<Severity, List<TimelineEvent>> perIncident) {
        try (Connection c = store.dataSource().getConnection()) {
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement(SQL)) {
                ps.setFetchSize(FETCH);
                ps.setObject(1, OffsetDateTime.ofInstant(from, ZoneOffset.UTC));
                ps.setObject(2, OffsetDateTime.ofInstant(to, ZoneOffset.UTC));
                for (int i = 0; i < STATUS_EVENTS.size(); i++) {
                    ps.setString(3 + i, STATUS_EVENTS.get(i).wireName());
                }
                stream(ps, perIncident);
            } finally {
                c.rollback(); // read only: nothing to keep
                c.setAutoCommit(autoCommit);
            }
        } catch (SQLException | IOException e) {
            throw new StoreUnavailableException("the store could not read the incidents for the SLA report", e);
        }
    }

    private void stream(PreparedStatement ps, BiConsumer<Severity, List<TimelineEvent>> perIncident) throws SQLException, IOException {
        String current = null;
        Severity severity = null;
        List<TimelineEvent> events = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                String id = rs.getString(1);
                if (!id.equals(current)) {
                    if (current != null) {
                        perIncident.accept(severity, events);
                    }
                    current = id;
                    severity = Severity.fromWire(rs.getString(2)).orElse(Severity.DEFAULT);
                    events = new ArrayList<>();
                }
                EventType type = EventType.fromWire(rs.getString(4)).orElseThrow();
                // Only a state_change needs its data (the target status); the others are read by type alone.
                ObjectNode data = type == EventType.STATE_CHANGE ? (ObjectNode) json.readTree(rs.getString(6)) : json.createObjectNode();
                Instant time = rs.getObject(5, OffsetDateTime.class).toInstant();
                events.add(new TimelineEvent(null, id, rs.getLong(3), type, null, null, null, time, null, null, null, null, null,
                        data, null, null, null));
            }
        }
        if (current != null) {
            perIncident.accept(severity, events);
        }
    }
}
