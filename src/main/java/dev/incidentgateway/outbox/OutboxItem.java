package dev.incidentgateway.outbox;

import java.time.Instant;

/**
 * One row of the {@code outbox} table: the delivery of one committed event to one connector.
 *
 * @param attempts  delivery attempts made before this one
 * @param createdAt when the event committed (delivery latency is measured from here)
 */
public record OutboxItem(long id, String connector, String incidentId, String eventId, long eventSeq, int attempts,
                         Instant createdAt) {
}
