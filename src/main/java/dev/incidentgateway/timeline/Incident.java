package dev.incidentgateway.timeline;

import com.fasterxml.jackson.annotation.JsonIgnore;

import java.time.Instant;

/**
 * The materialized view of one incident (a row of {@code incidents}), derived only from its events by
 * {@link IncidentProjection}; kept in the same transaction as each append.
 */
public record Incident(String id, String title, Severity severity, IncidentStatus status, String commander,
                       Instant declaredAt, Instant acknowledgedAt, Instant mitigatedAt, Instant resolvedAt, Instant closedAt,
                       String lastEventId, long lastSeq, @JsonIgnore String lastHash) {
}
