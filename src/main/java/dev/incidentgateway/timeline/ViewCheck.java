package dev.incidentgateway.timeline;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * Compares a stored row of the {@code incidents} view with the view its log gives through {@link IncidentProjection}
 * (the fold {@code rebuild-views} writes), column by column. {@code alert_repeats} is not compared: it counts alerts
 * that fired again and were absorbed by correlation, which adds no event, so the log cannot tell it.
 */
final class ViewCheck {
    /** Every column of the view but {@code alert_repeats}. */
    private static final String COLUMNS = "id, title, severity, status, commander, declared_at, acknowledged_at, mitigated_at, "
            + "resolved_at, closed_at, last_event_id, last_seq, last_hash";

    /**
     * A view row as its columns hold it: not read through {@link TimelineRows#readIncident}, which takes an unknown
     * severity for the default and refuses an unknown status, so either would hide what was written.
     */
    record StoredView(String id, String title, String severity, String status, String commander, Instant declaredAt,
                      Instant acknowledgedAt, Instant mitigatedAt, Instant resolvedAt, Instant closedAt, String lastEventId,
                      long lastSeq, String lastHash) {
        static StoredView read(ResultSet rs) throws SQLException {
            return new StoredView(rs.getString("id"), rs.getString("title"), rs.getString("severity"), rs.getString("status"),
                    rs.getString("commander"), TimelineRows.instant(rs, "declared_at"), TimelineRows.instant(rs, "acknowledged_at"),
                    TimelineRows.instant(rs, "mitigated_at"), TimelineRows.instant(rs, "resolved_at"),
                    TimelineRows.instant(rs, "closed_at"), trim(rs.getString("last_event_id")), rs.getLong("last_seq"),
                    trim(rs.getString("last_hash")));
        }
    }

    /** The last event of an incident's log. */
    record Head(long seq, String eventId, String hash) {
    }

    /** One compared column: its name, the stored value, the value the log gives. */
    private record Column(String name, Function<StoredView, Object> stored, Function<Incident, Object> fromLog) {
    }

    private static final List<Column> COMPARED = List.of(
            new Column("title", StoredView::title, Incident::title),
            new Column("severity", StoredView::severity, i -> i.severity().wireName()),
            new Column("status", StoredView::status, i -> i.status().wireName()),
            new Column("commander", StoredView::commander, Incident::commander),
            new Column("declared_at", StoredView::declaredAt, Incident::declaredAt),
            new Column("acknowledged_at", StoredView::acknowledgedAt, Incident::acknowledgedAt),
            new Column("mitigated_at", StoredView::mitigatedAt, Incident::mitigatedAt),
            new Column("resolved_at", StoredView::resolvedAt, Incident::resolvedAt),
            new Column("closed_at", StoredView::closedAt, Incident::closedAt),
            new Column("last_event_id", StoredView::lastEventId, Incident::lastEventId));

    private ViewCheck() {
    }

    /** The view rows of ids above {@code after} ({@code null}: from the first), at most {@code limit}, by id. */
    static Map<String, StoredView> page(Connection c, String after, int limit) throws SQLException {
        return read(c, (after == null ? "" : " WHERE id > ?") + " ORDER BY id LIMIT " + limit, after);
    }

    /** The view row of one incident (none or one). */
    static Map<String, StoredView> one(Connection c, String incidentId) throws SQLException {
        return read(c, " WHERE id = ?", incidentId);
    }

    private static Map<String, StoredView> read(Connection c, String where, String param) throws SQLException {
        Map<String, StoredView> rows = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM incidents" + where)) {
            if (param != null) {
                ps.setString(1, param);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    StoredView row = StoredView.read(rs);
                    rows.put(row.id(), row);
                }
            }
        }
        return rows;
    }

    /**
     * Whether the view's head is not the log's last event ({@code null}: it is), in the order an operator checks: events
     * gone, the view rewound over removed events (seq matches, hash does not: the hash is of an event no longer there),
     * or a view behind its log. When the heads differ, the other columns differ as a consequence and are not listed.
     *
     * @param head the log's last event, {@code null} when the incident has none
     */
    static String headMismatch(Head head, StoredView view) {
        long viewSeq = view.lastSeq();
        if (head == null) {
            return "the incident's view says its last event is seq " + viewSeq + " but none of its events is in the log (events removed)";
        }
        if (head.seq() == viewSeq && head.hash().equals(view.lastHash())) {
            return null;
        }
        if (head.seq() < viewSeq) {
            return "the log ends at seq " + head.seq() + " but the incident's view says its last event is seq " + viewSeq + " (events removed)";
        }
        if (head.seq() == viewSeq) {
            return "the hash the incident's view holds for its last event (seq " + viewSeq + ") is not that event's: the view was "
                    + "changed, e.g. rewound after newer events were removed";
        }
        return "the log has events after seq " + viewSeq + ", the incident's view's last (the view was changed)";
    }

    /** Each column whose stored value is not the one the log gives, e.g. {@code view status is 'closed', its log gives 'acknowledged'}. */
    static List<String> differences(StoredView view, Incident fromLog) {
        List<String> out = new ArrayList<>();
        for (Column column : COMPARED) {
            Object stored = column.stored().apply(view);
            Object expected = column.fromLog().apply(fromLog);
            if (!Objects.equals(stored, expected)) {
                out.add("view " + column.name() + " is " + quoted(stored) + ", its log gives " + quoted(expected));
            }
        }
        return out;
    }

    /** The value as a problem line shows it: a title of a thousand characters is cut. */
    private static String quoted(Object value) {
        if (value == null) {
            return "none (NULL)";
        }
        String text = value.toString();
        return "'" + (text.length() > MAX_SHOWN ? text.substring(0, MAX_SHOWN) + "…" : text) + "'";
    }

    private static final int MAX_SHOWN = 120;

    private static String trim(String s) {
        return s == null ? null : s.trim();
    }
}
