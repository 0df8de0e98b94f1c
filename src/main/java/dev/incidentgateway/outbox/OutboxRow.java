package dev.incidentgateway.outbox;

import java.time.Instant;

/** An outbox row as the API lists it. */
public record OutboxRow(long id, String connector, String incidentId, String eventId, long eventSeq, String status,
                        int attempts, Instant nextAttemptAt, Instant createdAt, Instant deliveredAt, String lastError) {
}
