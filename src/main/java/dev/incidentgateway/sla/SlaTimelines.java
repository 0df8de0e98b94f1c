package dev.incidentgateway.sla;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.incidentgateway.store.SqlLists;
import dev.incidentgateway.timeline.EventType;
import dev.incidentgateway.timeline.IncidentStateMachine;
import dev.incidentgateway.timeline.StoreUnavailableException;
import dev.incidentgateway.timeline.TimelineEvent;
import dev.incidentgateway.timeline.TimelineStore;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the SLA tracker reads of the timelines of a page of incidents, in one statement: each incident's events that can
 * move its clocks (for {@link SlaCalculator}) and the idempotency ids of the notes the tracker has recorded on it.
 *
 * <p>Issue 13: reading each changed incident's whole timeline with {@link TimelineStore#timeline} (one query per incident,
 * every column, every event's JSON parsed) was half of the tracker's time, and the tracker as a whole took about as
 * much CPU per declared incident as the timeline writer. The calculator reads only an event's type, its time and (of a
 * {@code state_change}) the status it enters; notes and role assignments never change a clock, so they are left in
 * the store except the tracker's own notes, of which only the id is read.
 */
final class SlaTimelines {
    /** The types that never move a clock (no status of their own and no {@code to}): left out of the read. */
    private static final List<EventType> CLOCK_NEUTRAL = Arrays.stream(EventType.values())
            .filter(t -> t != EventType.DECLARE && t != EventType.STATE_CHANGE && IncidentStateMachine.targetOf(t) == null).toList();
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Clock events in seq order and the ids of the tracker's notes, of one incident. */
    record Timeline(List<TimelineEvent> clockEvents, Set<String> recordedNotes) {
        static final Timeline EMPTY = new Timeline(List.of(), Set.of());
    }

    private final TimelineStore store;

    SlaTimelines(TimelineStore store) {
        this.store = store;
    }

    /**
     * The timelines of {@code incidentIds} (at most a page; ids without events are absent from the map). One statement
     * in the (incident_id, seq) index, its IN list padded with {@link SqlLists} so that pages of any size share a few
     * statement texts.
     */
    Map<String, Timeline> of(List<String> incidentIds) {
        Map<String, Timeline> out = new HashMap<>();
        if (incidentIds.isEmpty()) {
            return out;
        }
        List<String> keys = SqlLists.padded(incidentIds);
        String sql = "SELECT incident_id, type, event_time, CASE WHEN type = ? THEN data END, "
                + "CASE WHEN type = ? THEN ce_id END FROM timeline_events WHERE incident_id IN (" + SqlLists.marks(keys.size())
                + ") AND (type NOT IN (" + SqlLists.marks(CLOCK_NEUTRAL.size()) + ") OR (type = ? AND principal = ?)) "
                + "ORDER BY incident_id, seq";
        try (Connection c = store.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            int p = 1;
            ps.setString(p++, EventType.STATE_CHANGE.wireName());
            ps.setString(p++, EventType.NOTE.wireName());
            for (String key : keys) {
                ps.setString(p++, key);
            }
            for (EventType neutral : CLOCK_NEUTRAL) {
                ps.setString(p++, neutral.wireName());
            }
            ps.setString(p++, EventType.NOTE.wireName());
            ps.setString(p, SlaTracker.PRINCIPAL);
            try (ResultSet rs = ps.executeQuery()) {
                read(rs, out);
            }
        } catch (SQLException e) {
            throw new StoreUnavailableException("the store could not read timelines for the SLA tracker", e);
        }
        return out;
    }

    private static void read(ResultSet rs, Map<String, Timeline> out) throws SQLException {
        String current = null;
        Timeline timeline = null;
        while (rs.next()) {
            String id = rs.getString(1);
            if (!id.equals(current)) {
                current = id;
                timeline = new Timeline(new ArrayList<>(), new HashSet<>());
                out.put(id, timeline);
            }
            EventType type = EventType.fromWire(rs.getString(2)).orElseThrow(() -> new SQLException("unknown event type in store"));
            if (type == EventType.NOTE) {
                timeline.recordedNotes().add(rs.getString(5));
                continue;
            }
            ObjectNode data = type == EventType.STATE_CHANGE ? parse(rs.getString(4)) : JsonNodeFactory.instance.objectNode();
            timeline.clockEvents().add(new TimelineEvent(null, id, 0, type, null, null, null,
                    rs.getObject(3, OffsetDateTime.class).toInstant(), null, null, null, null, null, data, null, null, null));
        }
    }

    private static ObjectNode parse(String json) throws SQLException {
        try {
            JsonNode node = JSON.readTree(json);
            if (node instanceof ObjectNode object) {
                return object;
            }
            throw new SQLException("timeline_events.data is not a JSON object");
        } catch (JsonProcessingException e) {
            throw new SQLException("timeline_events.data is not valid JSON", e);
        }
    }
}
