package dev.incidentgateway.outbox;

import dev.incidentgateway.security.Redact;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * What one connector's failed deliveries say in the log. Before this, a row retried and then dead after its last
 * attempt left no line at all: only {@code GET /api/v1/outbox} and the metrics showed it.
 *
 * <ul>
 *   <li>A row that goes dead: one WARN, once per row (only when its outcome was recorded, so never for a row an
 *       operator skipped meanwhile), naming connector, incident, event, row, attempts and the reason exactly as
 *       recorded in {@code lastError}. Dead rows need a person (replay or skip), so each deserves its line; their number
 *       is bounded by {@code GATEWAY_OUTBOX_MAX_ATTEMPTS} per row and a dead row holds back its incident's later rows.</li>
 *   <li>A retry: DEBUG per attempt, plus at most one INFO per connector per {@link #SUMMARY_INTERVAL} saying how many
 *       retries were scheduled since the last such line, with the latest one as an example. Why not a line per retry,
 *       or per incident: during a vendor outage thousands of incidents retry every few seconds, and a line each would
 *       flood the log (and its shipper) with one fact. The first retry after a quiet interval is logged at once, so an
 *       outage shows in the log when it starts; {@code gateway_outbox_failures_total{kind="retry"}} has the exact count.</li>
 * </ul>
 * Reasons are the sinks' classified reasons, already scrubbed of credentials when built (vendor answers through
 * {@link Redact}); they go through {@link Redact#text} once more here as every logged message does.
 */
final class DeliveryFailureLog {
    private static final Logger LOG = LoggerFactory.getLogger(DeliveryFailureLog.class);
    static final Duration SUMMARY_INTERVAL = Duration.ofMinutes(1);

    private final String connector;
    private final Clock clock;
    /** Guarded by {@code this}: when the next INFO summary may be written, and retries since the last one. */
    private Instant nextSummary = Instant.MIN;
    private long retriesSinceSummary;

    DeliveryFailureLog(String connector, Clock clock) {
        this.connector = connector;
        this.clock = clock;
    }

    /** {@code item} is dead after {@code attempts} attempts; {@code reason} is what was recorded as its lastError. */
    void dead(OutboxItem item, int attempts, String reason) {
        LOG.warn("Outbox delivery to {} is dead (replay or skip it at /api/v1/outbox/{}): incident {}, event {}, "
                        + "{} attempt(s): {}", connector, item.id(), item.incidentId(), item.eventId(), attempts,
                Redact.text(reason));
    }

    /** {@code item}'s attempt {@code attempt} failed and is tried again after {@code wait}. */
    void retry(OutboxItem item, int attempt, String reason, Duration wait) {
        LOG.debug("Outbox delivery to {} failed, retried in {} ms: row {}, incident {}, event {}, attempt {}: {}", connector,
                wait.toMillis(), item.id(), item.incidentId(), item.eventId(), attempt, Redact.text(reason));
        long count;
        synchronized (this) {
            retriesSinceSummary++;
            Instant now = clock.instant();
            if (now.isBefore(nextSummary)) {
                return;
            }
            count = retriesSinceSummary;
            retriesSinceSummary = 0;
            nextSummary = now.plus(SUMMARY_INTERVAL);
        }
        LOG.info("Outbox deliveries to {} are failing: {} retr{} scheduled since the last such line (at most one a minute; "
                        + "each at DEBUG), latest: incident {}, event {}, attempt {}: {}", connector, count,
                count == 1 ? "y" : "ies", item.incidentId(), item.eventId(), attempt, Redact.text(reason));
    }
}
