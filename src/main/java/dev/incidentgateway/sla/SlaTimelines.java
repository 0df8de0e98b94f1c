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
    /** Their wire names, as the store holds them: {@link #since} tests each row it reads. */
    private static final Set<String> CLOCK_NEUTRAL_NAMES = CLOCK_NEUTRAL.stream().map(EventType::wireName)
            .collect(java.util.stream.Collectors.toUnmodifiableSet());
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Clock events in seq order and the ids of the tracker's notes, of one incident; from {@link #since}, up to and
     * including its event {@code lastSeq} (from {@link #of}, which leaves other events out, {@code lastSeq} means nothing).
     */
    static final class Timeline {
        private final List<TimelineEvent> clockEvents = new ArrayList<>();
        private final Set<String> recordedNotes = new HashSet<>();
        private long lastSeq;

        List<TimelineEvent> clockEvents() {
            return clockEvents;
        }

        Set<String> recordedNotes() {
            return recordedNotes;
        }

        long lastSeq() {
            return lastSeq;
        }
    }

    /**
     * The incidents with events above an event id that can change what the tracker finds ({@link #movesClocks}: not only
     * other people's notes and role assignments), and the whole timelines of those whose every event is above it (new
     * incidents: their first event, seq 1, is among them); {@code complete} is empty when there were more events than a
     * scan keeps in memory.
     */
    record Since(Set<String> incidents, Map<String, Timeline> complete) {
    }

    /** Events since the last scan that {@link #since} keeps as timelines; above, the scan reads timelines by page. */
    static final int SINCE_KEPT = 100_000;
    /** Rows of {@link #since} per round trip: a burst of events since the last scan is not held by the driver at once. */
    private static final int FETCH = 2_000;
    private static final String COLUMNS = "incident_id, seq, type, event_time, CASE WHEN type = ? THEN data END, "
            + "CASE WHEN type = ? AND principal = ? THEN ce_id END";

    /**
     * Incidents with more events than this are read alone, this many seqs a statement. The filter on {@code type} needs
     * each event's row, so a read costs every event of the incident, notes included: on H2, whose rows of one incident
     * lie scattered over the file, about 85 µs an event once they are out of the page cache, so an incident of 87,000
     * events took 7.3 s to read and a page holding a few of them ran past the statement timeout (10 s by default). That
     * failed the whole scan: no SLA note for any incident, and 503 from its SLA API and the report.
     */
    static final int WINDOW = 5_000;
    private static final String FILTER = " AND (type NOT IN (" + SqlLists.marks(CLOCK_NEUTRAL.size()) + ") OR (type = ? AND principal = ?))";

    private final TimelineStore store;
    private final int window;

    SlaTimelines(TimelineStore store) {
        this(store, WINDOW);
    }

    /** With another {@link #WINDOW}: for tests. */
    SlaTimelines(TimelineStore store, int window) {
        this.store = store;
        this.window = window;
    }

    /**
     * The timelines of the incidents (at most a page; by id, with the last seq they had when listed; ids without events
     * are absent from the map). One statement in the (incident_id, seq) index for all of them, its IN list padded with
     * {@link SqlLists} so that pages of any size share a few statement texts; an incident of more than {@link #WINDOW}
     * events alone, in windows of seqs.
     */
    Map<String, Timeline> of(Map<String, Long> lastSeqs) {
        Map<String, Timeline> out = new HashMap<>();
        if (lastSeqs.isEmpty()) {
            return out;
        }
        List<String> small = new ArrayList<>();
        try (Connection c = store.dataSource().getConnection()) {
            for (Map.Entry<String, Long> incident : lastSeqs.entrySet()) {
                if (incident.getValue() > window) {
                    readInWindows(c, incident.getKey(), incident.getValue(), out);
                } else {
                    small.add(incident.getKey());
                }
            }
            if (!small.isEmpty()) {
                readPage(c, small, out);
            }
        } catch (SQLException e) {
            throw new StoreUnavailableException("the store could not read timelines for the SLA tracker", e);
        }
        return out;
    }

    private void readPage(Connection c, List<String> incidentIds, Map<String, Timeline> out) throws SQLException {
        List<String> keys = SqlLists.padded(incidentIds);
        String sql = "SELECT " + COLUMNS + " FROM timeline_events WHERE incident_id IN (" + SqlLists.marks(keys.size()) + ")"
                + FILTER + " ORDER BY incident_id, seq";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            int p = bindColumns(ps);
            for (String key : keys) {
                ps.setString(p++, key);
            }
            bindFilter(ps, p);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    add(rs, out.computeIfAbsent(rs.getString(1), id -> new Timeline()));
                }
            }
        }
    }

    /** One incident, {@link #window} seqs a statement up to {@code lastSeq}, then what was appended since. */
    private void readInWindows(Connection c, String incidentId, long lastSeq, Map<String, Timeline> out) throws SQLException {
        String sql = "SELECT " + COLUMNS + " FROM timeline_events WHERE incident_id = ? AND seq > ? AND seq <= ?" + FILTER
                + " ORDER BY seq";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (long from = 0; ; from += window) {
                boolean tail = from >= lastSeq;
                int p = bindColumns(ps);
                ps.setString(p++, incidentId);
                ps.setLong(p++, from);
                ps.setLong(p++, tail ? Long.MAX_VALUE : from + window);
                bindFilter(ps, p);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        add(rs, out.computeIfAbsent(incidentId, id -> new Timeline()));
                    }
                }
                if (tail) {
                    return;
                }
            }
        }
    }

    private static void bindFilter(PreparedStatement ps, int first) throws SQLException {
        int p = first;
        for (EventType neutral : CLOCK_NEUTRAL) {
            ps.setString(p++, neutral.wireName());
        }
        ps.setString(p++, EventType.NOTE.wireName());
        ps.setString(p, SlaTracker.PRINCIPAL);
    }

    /**
     * The incidents with events above {@code afterEventId} (a range of the events' primary key; the append lock makes id
     * order commit order, so none is skipped), read with the columns the clocks need: a scan that looks at a new incident
     * then needs no read of its timeline (issue 13: the per-incident cost of a burst of new incidents). An incident's ids
     * rise with its seq, so id order is each incident's seq order.
     */
    Since since(String afterEventId) {
        Set<String> seen = new HashSet<>();
        Set<String> incidents = new HashSet<>();
        Map<String, Timeline> complete = new HashMap<>();
        int kept = 0;
        try (Connection c = store.dataSource().getConnection()) {
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(false); // PostgreSQL streams a result with a fetch size only inside a transaction
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM timeline_events WHERE id > ? ORDER BY id")) {
                ps.setFetchSize(FETCH);
                ps.setString(bindColumns(ps), afterEventId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        String id = rs.getString(1);
                        boolean first = seen.add(id);
                        if (movesClocks(rs)) {
                            incidents.add(id);
                        }
                        if (kept++ >= SINCE_KEPT) {
                            complete.clear(); // a burst: the scan reads timelines by page, as for other incidents
                        } else if (first ? rs.getLong(2) == 1 : complete.containsKey(id)) {
                            add(rs, complete.computeIfAbsent(id, k -> new Timeline()));
                        }
                    }
                }
            } finally {
                c.rollback(); // read only
                c.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            throw new StoreUnavailableException("the store could not list changed incidents for the SLA tracker", e);
        }
        return new Since(incidents, complete);
    }

    /**
     * Whether the current row (of {@code COLUMNS}) can change what the tracker finds for its incident: an event that
     * moves a clock, or a note of the tracker's own. Other people's notes and role assignments cannot, so an incident
     * with only those since the last scan is not read again for them (its settled mark stands until its next moment):
     * re-reading a long, chatty incident on every scan for its notes was the scan's largest cost.
     */
    private static boolean movesClocks(ResultSet rs) throws SQLException {
        return !CLOCK_NEUTRAL_NAMES.contains(rs.getString(3)) || rs.getString(6) != null;
    }

    private static int bindColumns(PreparedStatement ps) throws SQLException {
        ps.setString(1, EventType.STATE_CHANGE.wireName());
        ps.setString(2, EventType.NOTE.wireName());
        ps.setString(3, SlaTracker.PRINCIPAL);
        return 4;
    }

    /** Adds the event of the current row (of {@code COLUMNS}) to {@code timeline}, which then ends at it. */
    private static void add(ResultSet rs, Timeline timeline) throws SQLException {
        timeline.lastSeq = rs.getLong(2);
        EventType type = EventType.fromWire(rs.getString(3)).orElseThrow(() -> new SQLException("unknown event type in store"));
        if (type == EventType.NOTE) {
            String ceId = rs.getString(6); // null: not the tracker's note
            if (ceId != null) {
                timeline.recordedNotes.add(ceId);
            }
        } else if (!CLOCK_NEUTRAL.contains(type)) {
            ObjectNode data = type == EventType.STATE_CHANGE ? parse(rs.getString(5)) : JsonNodeFactory.instance.objectNode();
            timeline.clockEvents.add(new TimelineEvent(null, rs.getString(1), timeline.lastSeq, type, null, null, null,
                    rs.getObject(4, OffsetDateTime.class).toInstant(), null, null, null, null, null, data, null, null, null));
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
