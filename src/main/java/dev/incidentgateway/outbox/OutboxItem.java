package dev.incidentgateway.outbox;

import java.time.Instant;

/**
 * One row of the {@code outbox} table: the delivery of one committed event to one connector.
 *
 * @param attempts  delivery attempts made before this one
 * @param createdAt  when the event committed (delivery latency is measured from here)
 * @param claimToken the token of this claim: the outcome is recorded only while the row still carries it
 */
public record OutboxItem(long id, String connector, String incidentId, String eventId, long eventSeq, int attempts,
                         Instant createdAt, long claimToken) {
    /** An item no claim stands behind (sink tests that deliver without the outbox table). */
    public OutboxItem(long id, String connector, String incidentId, String eventId, long eventSeq, int attempts, Instant createdAt) {
        this(id, connector, incidentId, eventId, eventSeq, attempts, createdAt, 0L);
    }
}
