package dev.incidentgateway.timeline;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;

/**
 * One stored, immutable fact of an incident's timeline (a row of {@code timeline_events}).
 *
 * @param id       ULID: monotonic, the position in the global {@code Since} feed
 * @param seq      1..n per incident, gapless
 * @param prevHash hash of the incident's previous event (64 zeros for the first)
 * @param hash     HMAC-SHA-256 with the chain key over prevHash and the canonical form of this event (unkeyed SHA-256
 *                 for events from before keyed hashing), see {@link EventHasher}
 * @param principal who caused it, set by the server from the checked credential ({@code key:ops}, {@code webhook:alertmanager}, …)
 */
public record TimelineEvent(String id, String incidentId, long seq, EventType type, String actor, String title, String content,
                            Instant eventTime, Instant recordedAt, String source, String ceId, String ceSource, String ceType,
                            ObjectNode data, String prevHash, String hash, String principal) {

    /** The status named by {@code data.to} of a state_change, or {@code null}. */
    @JsonIgnore
    public IncidentStatus stateChangeTarget() {
        return type == EventType.STATE_CHANGE && data.hasNonNull("to")
                ? IncidentStatus.fromWire(data.get("to").asText()).orElse(null) : null;
    }

    /** The severity a state_change set ({@code data.severity}), or {@code null} when it left the severity as it was. */
    @JsonIgnore
    public Severity severityChange() {
        return type == EventType.STATE_CHANGE && data.hasNonNull("severity")
                ? Severity.fromWire(data.get("severity").asText()).orElse(null) : null;
    }

    /** The severity a severity change replaced, as the store recorded it ({@code data.previousSeverity}), or {@code null}. */
    @JsonIgnore
    public Severity previousSeverity() {
        return severityChange() == null ? null
                : Severity.fromWire(data.path(EventRules.PREVIOUS_SEVERITY).asText()).orElse(null);
    }
}
