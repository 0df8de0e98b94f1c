package dev.incidentgateway.outbox;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;

/**
 * Writes a delivery's classified outcome into its row: delivered (and, in the same transaction, the claim of the
 * incident's next row), retry later (Retry-After, capped, or exponential backoff with jitter), or dead. Only while
 * the delivery's claim still holds, so an operator's skip that won is never overwritten.
 */
final class OutcomeRecorder {
    private static final Logger LOG = LoggerFactory.getLogger(OutcomeRecorder.class);

    /**
     * The delivery latency's buckets: 5 ms (a quiet event leaves in about 10 ms) to an hour (retries with backoff, a target
     * down for a while). Micrometer's percentile histogram, used before, had 69 buckets from 1 ms to 30 s per connector:
     * with 50 connectors three quarters of a /metrics answer (3,657 of 4,948 series, 400 KB), and every delivery after a
     * retry past 30 s in +Inf.
     */
    static final Duration[] LATENCY_BUCKETS = java.util.stream.Stream.of(5, 10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000,
            10_000, 30_000, 60_000, 300_000, 900_000, 3_600_000).map(Duration::ofMillis).toArray(Duration[]::new);

    private final String connector;
    private final OutboxStore outbox;
    private final OutboxRelay.Settings settings;
    private final Clock clock;
    private final Timer latency;
    private final DistributionSummary attempts;
    private final Counter deliveredCount;
    private final Counter retries;
    private final Counter deaths;
    private final Counter paced;
    /** Delivered outcomes of concurrent slots share a commit. */
    private final DeliveredBatch delivered;
    private final DeliveryFailureLog failures;

    /** @param moreComing whether other outcomes are on their way, worth a short wait to share their commit */
    OutcomeRecorder(String connector, OutboxStore outbox, OutboxRelay.Settings settings, MeterRegistry meters, Clock clock,
                    BooleanSupplier moreComing) {
        this.connector = connector;
        this.outbox = outbox;
        this.settings = settings;
        this.clock = clock;
        this.failures = new DeliveryFailureLog(connector, clock);
        this.delivered = new DeliveredBatch(outbox, Math.max(2, settings.concurrency()), moreComing,
                DistributionSummary.builder("gateway.outbox.outcomes.per.commit").tag("connector", connector)
                        .description("Delivered outcomes recorded by one commit").register(meters));
        this.latency = Timer.builder("gateway.outbox.delivery.latency").tag("connector", connector)
                .description("From the event's commit to the target's 2xx").serviceLevelObjectives(LATENCY_BUCKETS)
                .register(meters);
        this.attempts = DistributionSummary.builder("gateway.outbox.attempts").tag("connector", connector)
                .description("Attempts a delivered row needed").register(meters);
        // Registered now, so each connector's series are at 0 from the start: rate() and increase() alerts see the first
        // failure (a counter born at 1 has no earlier sample to rise from).
        this.deliveredCount = meters.counter("gateway.outbox.delivered", "connector", connector);
        this.retries = meters.counter("gateway.outbox.failures", "connector", connector, "kind", "retry");
        this.deaths = meters.counter("gateway.outbox.failures", "connector", connector, "kind", "dead");
        this.paced = meters.counter("gateway.outbox.rate_limited", "connector", connector);
        meters.counter("gateway.outbox.deadline.exceeded", "connector", connector); // counted by DeliveryCall
    }

    /**
     * Records {@code result} for {@code item}. When it was delivered and {@code chain} is true, also claims the
     * incident's next row if it is now the head, and returns it (the caller delivers it in the same slot); when
     * {@code chain} is false that row is made due instead. When {@code refill} is true and no next row of the incident
     * was claimed, a due head of another incident is claimed and returned instead (same transaction). Returns
     * {@code null} when there is nothing more for the slot.
     */
    OutboxItem record(OutboxItem item, DeliveryResult result, boolean chain, boolean refill) throws SQLException {
        Instant now = clock.instant();
        int attempt = item.attempts() + 1;
        boolean recorded;
        OutboxItem next = null;
        if (result instanceof DeliveryResult.Delivered d) {
            Instant leaseUntil = now.plus(settings.lease());
            OutboxStore.Recorded r = delivered.record(new OutboxStore.Delivered(item, d.created(), now,
                    chain ? leaseUntil : null, refill ? leaseUntil : null));
            recorded = r.recorded();
            next = r.next();
            if (recorded) {
                latency.record(Duration.between(item.createdAt(), now));
                attempts.record(attempt);
                deliveredCount.increment();
            }
        } else if (result instanceof DeliveryResult.Retry r) {
            // Rate-limited (the target said when to come back: 429/503 Retry-After, a route's TimelineRetryAfter) is
            // not a failed attempt: the target is up and pacing us, so it neither spends the attempt budget nor grows
            // the backoff; only failures the target did not schedule bring a row closer to dead.
            boolean rateLimited = r.retryAfter() != null;
            boolean giveUp = !rateLimited && attempt >= settings.maxAttempts();
            Duration wait = rateLimited ? cap(r.retryAfter()) : backoff(attempt);
            if (!rateLimited && r.atLeast() != null && r.atLeast().compareTo(wait) > 0) {
                wait = r.atLeast();
            }
            String lastError = giveUp ? r.reason() + " (gave up after " + attempt + " attempts)" : r.reason();
            recorded = outbox.failed(item, lastError, now.plus(wait), giveUp, !rateLimited);
            (giveUp ? deaths : retries).increment();
            if (rateLimited) { // also a kind="retry" failure, as before this counter: this says how many of them were paced
                paced.increment();
            }
            if (recorded && giveUp) {
                failures.dead(item, attempt, lastError);
            } else if (recorded) {
                failures.retry(item, attempt, lastError, wait);
            }
        } else {
            DeliveryResult.Dead d = (DeliveryResult.Dead) result;
            recorded = outbox.failed(item, d.reason(), now, true, true);
            deaths.increment();
            if (recorded) { // not when an operator's skip won meanwhile: the row stays skipped (logged below)
                failures.dead(item, attempt, d.reason());
            }
        }
        if (!recorded) {
            LOG.info("Outcome of outbox row {} for {} not recorded: the row was skipped or reclaimed meanwhile", item.id(),
                    connector);
        }
        return next;
    }

    /** A vendor's Retry-After, but never longer than {@code maxRetryAfter}. */
    Duration cap(Duration retryAfter) {
        return retryAfter.compareTo(settings.maxRetryAfter()) > 0 ? settings.maxRetryAfter() : retryAfter;
    }

    /** Exponential backoff with jitter: first × 2^(attempt−1), capped at GATEWAY_OUTBOX_MAX_BACKOFF_MS, times a random factor in [0.5, 1). */
    Duration backoff(int attempt) {
        long base = settings.firstBackoff().toMillis() << Math.min(attempt - 1, 20);
        long capped = Math.min(base, settings.maxBackoff().toMillis());
        return Duration.ofMillis((long) (capped * (0.5 + ThreadLocalRandom.current().nextDouble() * 0.5)));
    }
}
