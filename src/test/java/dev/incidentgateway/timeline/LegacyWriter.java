package dev.incidentgateway.timeline;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Writes incidents the way the gateway did before keyed hashing: {@code SHA-256(prevHash + "\n" + canonical)} over
 * the columns of that time, no global hash, principal as the V6 migration sets it for old rows.
 */
final class LegacyWriter {
    private final DataSource dataSource;
    private final EventIdSource ids = new EventIdSource();

    LegacyWriter(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** A declare and {@code events - 1} notes, with the incident's view. */
    void incident(String incidentId, int events) throws SQLException {
        Instant t = Instant.now().truncatedTo(ChronoUnit.MICROS);
        Incident view = null;
        String prev = EventHasher.GENESIS;
        try (Connection c = dataSource.getConnection()) {
            for (int seq = 1; seq <= events; seq++) {
                EventType type = seq == 1 ? EventType.DECLARE : EventType.NOTE;
                ObjectNode data = seq == 1 ? JsonNodeFactory.instance.objectNode().put("severity", "sev2") : JsonNodeFactory.instance.objectNode();
                String id = ids.next();
                TimelineEvent e = new TimelineEvent(id, incidentId, seq, type, "alice", seq == 1 ? "Old incident " + incidentId : null,
                        seq == 1 ? null : "note " + seq, t, t, "/api/v1", id, "/api/v1", "dev.incidentgateway.incident." + type.wireName(),
                        data, prev, null, "system:legacy");
                e = AuditTampering.copy(e, e.content(), prev, EventHasher.legacyHash(prev, e));
                try (PreparedStatement ps = c.prepareStatement(TimelineRows.INSERT_EVENT)) {
                    TimelineRows.bindEvent(ps, e, EventHasher.canonicalJson(e.data()), null);
                    ps.executeUpdate();
                }
                view = IncidentProjection.apply(view, e);
                prev = e.hash();
            }
            try (PreparedStatement ps = c.prepareStatement(TimelineRows.INSERT_INCIDENT)) {
                TimelineRows.bindIncident(ps, view);
                ps.executeUpdate();
            }
            IncidentStatusCounts.recount(c); // as migration V13_4 counted the views of a store from before it
        }
    }
}
