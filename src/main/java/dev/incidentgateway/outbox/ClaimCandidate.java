package dev.incidentgateway.outbox;

import dev.incidentgateway.timeline.IncidentStatus;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/** A row read by a claim ({@link OutboxClaims}); {@code blocker} is the id of the earliest open row before it, or null for a head. */
record ClaimCandidate(OutboxItem item, Instant nextAttemptAt, Long blocker) {
    boolean heldBack() {
        return blocker != null;
    }

    /** The rows of a claim's query: the outbox columns {@code o.*} it selects and its {@code blocker} column. */
    static List<ClaimCandidate> read(PreparedStatement ps) throws SQLException {
        List<ClaimCandidate> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                OutboxItem item = new OutboxItem(rs.getLong("id"), rs.getString("connector"), rs.getString("incident_id"),
                        rs.getString("event_id").trim(), rs.getLong("event_seq"),
                        IncidentStatus.fromWire(rs.getString("incident_status")).orElse(null), rs.getInt("attempts"),
                        rs.getObject("created_at", OffsetDateTime.class).toInstant(), 0L);
                long blocker = rs.getLong("blocker");
                Long blockerId = rs.wasNull() ? null : blocker;
                out.add(new ClaimCandidate(item, rs.getObject("next_attempt_at", OffsetDateTime.class).toInstant(), blockerId));
            }
        }
        return out;
    }
}
