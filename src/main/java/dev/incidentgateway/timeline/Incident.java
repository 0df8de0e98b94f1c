package dev.incidentgateway.timeline;

import com.fasterxml.jackson.annotation.JsonIgnore;

import java.time.Instant;

/**
 * The materialized view of one incident (a row of {@code incidents}), derived from its events by
 * {@link IncidentProjection} and kept in the same transaction as each append. {@code alertRepeats} is the
 * one operational counter with no event: how often a correlated alert fired again while it was open.
 */
public record Incident(String id, String title, Severity severity, IncidentStatus status, String commander,
                       Instant declaredAt, Instant acknowledgedAt, Instant mitigatedAt, Instant resolvedAt, Instant closedAt,
                       String lastEventId, long lastSeq, @JsonIgnore String lastHash, long alertRepeats) {

    public Incident withAlertRepeats(long repeats) {
        return new Incident(id, title, severity, status, commander, declaredAt, acknowledgedAt, mitigatedAt, resolvedAt,
                closedAt, lastEventId, lastSeq, lastHash, repeats);
    }

    @JsonIgnore
    public boolean isOpen() {
        return status != IncidentStatus.RESOLVED && status != IncidentStatus.CLOSED;
    }
}
