package dev.incidentgateway.outbox;

import dev.incidentgateway.timeline.AppendListener;
import dev.incidentgateway.timeline.Incident;
import dev.incidentgateway.timeline.TimelineEvent;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Writes the outbox rows of each append inside the append's own transaction: one row per event and
 * subscribed connector. An event that does not commit leaves no row, so nothing is ever sent for it.
 */
public final class OutboxWriter implements AppendListener {
    private static final String INSERT = "INSERT INTO outbox (connector, incident_id, event_id, event_seq, status, attempts, "
            + "next_attempt_at, created_at) VALUES (?, ?, ?, ?, 'pending', 0, ?, ?)";

    private final Collection<SinkDescriptor> subscriptions;

    public OutboxWriter(Collection<SinkDescriptor> subscriptions) {
        this.subscriptions = List.copyOf(subscriptions);
    }

    @Override
    public void inTransaction(Connection c, List<TimelineEvent> events, Map<String, Incident> views) throws SQLException {
        if (subscriptions.isEmpty() || events.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(INSERT)) {
            boolean any = false;
            for (TimelineEvent e : events) {
                Incident view = views.get(e.incidentId());
                for (SinkDescriptor s : subscriptions) {
                    if (view != null && s.accepts(e, view.severity())) {
                        ps.setString(1, s.name());
                        ps.setString(2, e.incidentId());
                        ps.setString(3, e.id());
                        ps.setLong(4, e.seq());
                        ps.setObject(5, e.recordedAt().atOffset(ZoneOffset.UTC));
                        ps.setObject(6, e.recordedAt().atOffset(ZoneOffset.UTC));
                        ps.addBatch();
                        any = true;
                    }
                }
            }
            if (any) {
                ps.executeBatch();
            }
        }
    }
}
