package dev.incidentgateway.timeline;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/** JDBC mapping of {@code timeline_events} and {@code incidents} rows; every statement is parameterized. */
final class TimelineRows {
    static final String EVENT_COLUMNS = "id, incident_id, seq, type, actor, title, content, event_time, recorded_at, source, "
            + "ce_id, ce_source, ce_type, data, prev_hash, hash, principal";
    /** The event columns, then {@code global_hash} (see {@link GlobalChain}; {@code null} for a legacy event). */
    static final String INSERT_EVENT = "INSERT INTO timeline_events (" + EVENT_COLUMNS + ", global_hash) "
            + "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";

    static final String INCIDENT_COLUMNS = dev.incidentgateway.store.SqlDialect.Columns.INCIDENT;
    static final String INSERT_INCIDENT = "INSERT INTO incidents (" + INCIDENT_COLUMNS + ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)";

    private TimelineRows() {
    }

    /**
     * @throws UnreadableEventException for a row the writer never writes (no such type, {@code data} not a JSON object):
     *                                  the row is at fault, not the store, so it is no {@link SQLException}
     */
    static TimelineEvent readEvent(ResultSet rs) throws SQLException {
        String id = rs.getString("id").trim();
        return new TimelineEvent(id, rs.getString("incident_id"), rs.getLong("seq"),
                EventType.fromWire(rs.getString("type")).orElseThrow(() -> new UnreadableEventException(id, "its type is no event type")),
                rs.getString("actor"), rs.getString("title"), rs.getString("content"),
                instant(rs, "event_time"), instant(rs, "recorded_at"), rs.getString("source"), rs.getString("ce_id"),
                rs.getString("ce_source"), rs.getString("ce_type"), parseData(id, rs.getString("data")),
                rs.getString("prev_hash").trim(), rs.getString("hash").trim(), rs.getString("principal"));
    }

    /** The event a principal stored with this (ceSource, ceId), or {@code null}: idempotency is scoped by principal. */
    static TimelineEvent findByIdempotencyKey(java.sql.Connection connection, String principal, String ceSource, String ceId)
            throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT " + EVENT_COLUMNS
                + " FROM timeline_events WHERE principal = ? AND ce_source = ? AND ce_id = ?")) {
            ps.setString(1, principal);
            ps.setString(2, ceSource);
            ps.setString(3, ceId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? readEvent(rs) : null;
            }
        }
    }

    /** Binds {@code e} for {@link #INSERT_EVENT}; {@code canonicalData} is {@code e.data()} in canonical form. */
    static void bindEvent(PreparedStatement ps, TimelineEvent e, String canonicalData, String globalHash) throws SQLException {
        ps.setString(1, e.id());
        ps.setString(2, e.incidentId());
        ps.setLong(3, e.seq());
        ps.setString(4, e.type().wireName());
        ps.setString(5, e.actor());
        ps.setString(6, e.title());
        ps.setString(7, e.content());
        setInstant(ps, 8, e.eventTime());
        setInstant(ps, 9, e.recordedAt());
        ps.setString(10, e.source());
        ps.setString(11, e.ceId());
        ps.setString(12, e.ceSource());
        ps.setString(13, e.ceType());
        ps.setString(14, canonicalData);
        ps.setString(15, e.prevHash());
        ps.setString(16, e.hash());
        ps.setString(17, e.principal());
        ps.setString(18, globalHash);
    }

    static Incident readIncident(ResultSet rs) throws SQLException {
        return new Incident(rs.getString("id"), rs.getString("title"),
                Severity.fromWire(rs.getString("severity")).orElse(Severity.DEFAULT),
                IncidentStatus.fromWire(rs.getString("status")).orElseThrow(() -> new SQLException("unknown status in store")),
                rs.getString("commander"), instant(rs, "declared_at"), instant(rs, "acknowledged_at"),
                instant(rs, "mitigated_at"), instant(rs, "resolved_at"), instant(rs, "closed_at"),
                rs.getString("last_event_id").trim(), rs.getLong("last_seq"), rs.getString("last_hash").trim(),
                rs.getLong("alert_repeats"));
    }

    /** Binds an incident for {@link #INSERT_INCIDENT} or the dialect's upsert (both list the columns id first). */
    static void bindIncident(PreparedStatement ps, Incident i) throws SQLException {
        int p = 1;
        ps.setString(p++, i.id());
        ps.setString(p++, i.title());
        ps.setString(p++, i.severity().wireName());
        ps.setString(p++, i.status().wireName());
        ps.setString(p++, i.commander());
        setInstant(ps, p++, i.declaredAt());
        setInstant(ps, p++, i.acknowledgedAt());
        setInstant(ps, p++, i.mitigatedAt());
        setInstant(ps, p++, i.resolvedAt());
        setInstant(ps, p++, i.closedAt());
        ps.setString(p++, i.lastEventId());
        ps.setLong(p++, i.lastSeq());
        ps.setString(p++, i.lastHash());
        ps.setLong(p, i.alertRepeats());
    }

    static ObjectNode parseData(String eventId, String json) {
        if ("{}".equals(json)) {
            // The data of most events (notes, acks, ...): no parser for it (a parser costs more than the rest of the row).
            return EventHasher.CANONICAL.createObjectNode();
        }
        try {
            JsonNode node = EventHasher.CANONICAL.readTree(json);
            if (node instanceof ObjectNode object) {
                return object;
            }
            throw new UnreadableEventException(eventId, "its data is not a JSON object");
        } catch (JsonProcessingException e) {
            throw new UnreadableEventException(eventId, "its data is not valid JSON");
        }
    }

    static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    private static void setInstant(PreparedStatement ps, int index, Instant t) throws SQLException {
        if (t == null) {
            ps.setNull(index, Types.TIMESTAMP_WITH_TIMEZONE);
        } else {
            ps.setObject(index, t.atOffset(ZoneOffset.UTC), Types.TIMESTAMP_WITH_TIMEZONE);
        }
    }
}
