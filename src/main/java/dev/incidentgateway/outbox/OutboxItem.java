package dev.incidentgateway.outbox;

import dev.incidentgateway.timeline.IncidentStatus;

import java.time.Instant;

/**
 * One row of the {@code outbox} table: the delivery of one committed event to one connector.
 *
 * @param incidentStatus the incident's status right after the event, written with the row by the append that committed
 *                       the event; {@code null} for rows from before that column (see {@link Delivery#statusAfterEvent})
 * @param attempts       delivery attempts made before this one
 * @param createdAt      when the event committed (delivery latency is measured from here)
 * @param claimToken     the token of this claim: the outcome is recorded only while the row still carries it
 */
public record OutboxItem(long id, String connector, String incidentId, String eventId, long eventSeq,
                         IncidentStatus incidentStatus, int attempts, Instant createdAt, long claimToken) {
    /** An item no claim stands behind (sink tests that deliver without the outbox table). */
    public OutboxItem(long id, String connector, String incidentId, String eventId, long eventSeq, int attempts, Instant createdAt) {
        this(id, connector, incidentId, eventId, eventSeq, null, attempts, createdAt, 0L);
    }

    /** This row as held by the claim with {@code token}. */
    public OutboxItem withClaimToken(long token) {
        return new OutboxItem(id, connector, incidentId, eventId, eventSeq, incidentStatus, attempts, createdAt, token);
    }
}
