package dev.incidentgateway.outbox;

import dev.incidentgateway.timeline.AppendListener;
import dev.incidentgateway.timeline.Incident;
import dev.incidentgateway.timeline.IncidentStatus;
import dev.incidentgateway.timeline.Severity;
import dev.incidentgateway.timeline.TimelineEvent;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes the outbox rows of each append inside the append's own transaction: one row per event and
 * subscribed connector. An event that does not commit leaves no row, so nothing is ever sent for it.
 *
 * <p>Subscriptions are the active sinks' descriptors, known when the writer is built, plus those of
 * {@code timeline:outbox} routes, added by {@link #subscribe} while Camel creates the routes' endpoints, which
 * it does for every route before it starts any route's consumer, so before anything can append (see
 * {@code TimelineOutboxEndpoint}). Each transaction reads one snapshot of them.
 *
 * <p>Each row also records the incident's status right after its event ({@code incident_status}), which deliveries show
 * (header {@code TimelineIncidentStatus}, {@code ${incident.status}}). Recorded here rather than worked out when the
 * row is claimed: the append transaction has just run the state machine for every event under the append lock, so the
 * value is exact whatever else commits later, and it costs one more parameter of a batch this insert sends anyway.
 * Working it out at claim time would cost every delivery a read of the incident's events back to the last one that
 * changed its status, for a value that never changes once the event has committed. A connector's {@code minSeverity}
 * is likewise checked against the severity right after each event, so an incident escalated past it is delivered
 * from the escalation on, and one lowered below it no longer is (after the change itself).
 */
public final class OutboxWriter implements AppendListener {
    private static final String INSERT = "INSERT INTO outbox (connector, incident_id, event_id, event_seq, incident_status, "
            + "status, attempts, next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?, 'pending', 0, ?, ?)";

    /** By connector name; replaced whole (copy on write), never changed in place. */
    private volatile Map<String, SinkDescriptor> subscriptions;

    public OutboxWriter(Collection<SinkDescriptor> subscriptions) {
        Map<String, SinkDescriptor> byName = new LinkedHashMap<>();
        subscriptions.forEach(s -> byName.put(s.name(), s));
        this.subscriptions = Map.copyOf(byName);
    }

    /** Adds a connector's subscription, or replaces the one of the same name (a route's options override its descriptor's). */
    public synchronized void subscribe(SinkDescriptor subscription) {
        Map<String, SinkDescriptor> next = new LinkedHashMap<>(subscriptions);
        next.put(subscription.name(), subscription);
        subscriptions = Map.copyOf(next);
    }

    /** The subscription of one connector, if any. */
    public java.util.Optional<SinkDescriptor> subscription(String connector) {
        return java.util.Optional.ofNullable(subscriptions.get(connector));
    }

    @Override
    public void inTransaction(Connection c, List<TimelineEvent> events, Map<String, Incident> views,
                              Map<String, IncidentStatus> statusAfter) throws SQLException {
        Collection<SinkDescriptor> subscriptions = this.subscriptions.values();
        if (subscriptions.isEmpty() || events.isEmpty()) {
            return;
        }
        Map<String, Severity> severityAt = severityAtEachEvent(events, views);
        try (PreparedStatement ps = c.prepareStatement(INSERT)) {
            boolean any = false;
            for (TimelineEvent e : events) {
                Severity severity = severityAt.get(e.id());
                for (SinkDescriptor s : subscriptions) {
                    if (severity != null && s.accepts(e, severity)) {
                        ps.setString(1, s.name());
                        ps.setString(2, e.incidentId());
                        ps.setString(3, e.id());
                        ps.setLong(4, e.seq());
                        ps.setString(5, statusAfter.get(e.id()).wireName());
                        ps.setObject(6, e.recordedAt().atOffset(ZoneOffset.UTC));
                        ps.setObject(7, e.recordedAt().atOffset(ZoneOffset.UTC));
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

    /**
     * The severity each event is filtered by ({@code minSeverity}), by event id: the incident's severity right after it,
     * and for a severity change the higher of the two it moved between. With a
     * declare and a severity change in one transaction (a webhook's batch, a poller's page), {@code views} holds only
     * the last severity. Read backwards from the view: before a severity change the incident had the change's
     * {@code previousSeverity}, which the store recorded in it.
     */
    static Map<String, Severity> severityAtEachEvent(List<TimelineEvent> events, Map<String, Incident> views) {
        Map<String, Severity> current = new HashMap<>();
        Map<String, Severity> at = new HashMap<>();
        for (int i = events.size() - 1; i >= 0; i--) {
            TimelineEvent e = events.get(i);
            Incident view = views.get(e.incidentId());
            Severity severity = current.computeIfAbsent(e.incidentId(), id -> view == null ? null : view.severity());
            if (severity == null) {
                continue;
            }
            Severity before = e.previousSeverity();
            if (before == null) {
                at.put(e.id(), severity);
            } else {
                // A change is news to a target that followed the incident on either side of it: lowering a sev1 to sev3
                // tells a sev2 channel why it hears no more of it.
                at.put(e.id(), before.ordinal() < severity.ordinal() ? before : severity);
                current.put(e.incidentId(), before);
            }
        }
        return at;
    }
}
