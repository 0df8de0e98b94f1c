package dev.incidentgateway.timeline;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.incidentgateway.audit.ChainKey;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;

/**
 * Turns a request's event, once its incident is known, into the event to store: checks it against the incident's
 * state (exists, expected seq, the state machine, the type's rules), then gives it its id, seq, times, CloudEvents
 * defaults and its keyed hash after the incident's last one. One per group transaction ({@code now} is the group's
 * {@code recorded_at}).
 */
final class EventStamper {
    private final EventIdSource ids;
    private final String typePrefix;
    private final ChainKey chainKey;
    private final Instant now;
    /** Each stamped event's {@code data} in canonical form, by event id: serialized once, for the hash and the row. */
    private final Map<String, String> canonicalData = new HashMap<>();

    EventStamper(EventIdSource ids, String typePrefix, ChainKey chainKey, Instant now) {
        this.ids = ids;
        this.typePrefix = typePrefix;
        this.chainKey = chainKey;
        this.now = now;
    }

    /**
     * @param current the incident's view before this event ({@code null}: it does not exist)
     * @throws AppendRejectedException when the event is refused
     */
    TimelineEvent stamp(NewEvent ne, String incidentId, Incident current, String ceSource) {
        if (current == null && ne.type() != EventType.DECLARE) {
            throw new IncidentNotFoundException(incidentId);
        }
        long lastSeq = current == null ? 0 : current.lastSeq();
        if (ne.expectedSeq() != null && ne.expectedSeq() != lastSeq) {
            throw new SeqConflictException(incidentId, ne.expectedSeq(), lastSeq);
        }
        ObjectNode data = ne.data().deepCopy();
        EventRules.StateChange change = EventRules.check(ne, data);
        IncidentStateMachine.next(current == null ? null : current.status(), ne.type(), change == null ? null : change.to());
        if (ne.type() == EventType.DECLARE) {
            data.put("severity", (ne.severity() == null ? Severity.DEFAULT : ne.severity()).wireName());
            // Hashed with the declare: a correlation_keys row the log does not bind is then visible to verify. A caller's
            // own value is replaced, as its severity is.
            data.put(EventRules.CORRELATION_KEY, ne.correlationKey());
        }
        if (change != null && change.severity() != null) {
            IncidentStateMachine.checkSeverityChange(current.status(), current.severity(), change.severity());
            // Recorded, not left to readers to work out: a message about this event ("sev3 → sev1") and the outbox's
            // severity at each event then need no earlier event; a caller's own value is replaced, as a declare's is.
            data.put("severity", change.severity().wireName());
            data.put(EventRules.PREVIOUS_SEVERITY, current.severity().wireName());
        }
        data = EventHasher.sortedKeys(data); // the answer's data as stored and read back, not in the request's key order
        String id = ids.next();
        Instant eventTime = ne.eventTime() == null ? now : ne.eventTime().truncatedTo(ChronoUnit.MICROS);
        String prevHash = current == null ? EventHasher.GENESIS : current.lastHash();
        TimelineEvent unsigned = new TimelineEvent(id, incidentId, lastSeq + 1, ne.type(), ne.actor(), ne.title(), ne.content(),
                eventTime, now, ne.source(), ne.ceId() != null ? ne.ceId() : id, ceSource,
                ne.ceType() != null ? ne.ceType() : typePrefix + ".incident." + ne.type().wireName(), data, prevHash, null,
                ne.principal());
        String dataJson = EventHasher.canonicalJson(data);
        canonicalData.put(id, dataJson); // a refused request's entries are never read: only accepted events are written
        return withHash(unsigned, EventHasher.keyedHash(chainKey, prevHash, unsigned, dataJson));
    }

    /** The canonical {@code data} of an event this stamper made. */
    String canonicalData(String eventId) {
        return canonicalData.get(eventId);
    }

    private static TimelineEvent withHash(TimelineEvent e, String hash) {
        return new TimelineEvent(e.id(), e.incidentId(), e.seq(), e.type(), e.actor(), e.title(), e.content(), e.eventTime(),
                e.recordedAt(), e.source(), e.ceId(), e.ceSource(), e.ceType(), e.data(), e.prevHash(), hash, e.principal());
    }
}
