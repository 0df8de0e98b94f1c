package dev.incidentgateway.outbox;

import java.time.Duration;

/**
 * The classified outcome of one delivery attempt; the relay turns it into row state (retry state lives in
 * the outbox row, never in memory). Every failure is classified once, here, by the sink that saw it.
 */
public sealed interface DeliveryResult {

    /** Done. {@code created} is the new ticket/thread when this delivery created it, else {@code null}. */
    record Delivered(ExternalRef created) implements DeliveryResult {
    }

    /**
     * Transient (5xx, 408, timeouts, connection refused) or rate-limited (429/503 with Retry-After): try again,
     * after {@code retryAfter} when the target said so, else after the relay's exponential backoff, but not before
     * {@code atLeast} (a failed attempt all the same: it counts towards dead). {@code atLeast} is for a sink that knows
     * the retry must not come too soon: a create whose answer was lost may have been made, and the lookup that would find
     * it reads an index that lags behind writes.
     */
    record Retry(String reason, Duration retryAfter, Duration atLeast) implements DeliveryResult {
        public Retry(String reason, Duration retryAfter) {
            this(reason, retryAfter, null);
        }

        /** This failure, tried again no sooner than {@code wait}. */
        public Retry notBefore(Duration wait) {
            return new Retry(reason, retryAfter, wait);
        }
    }

    /** Permanent (other 4xx, Slack errors that cannot heal): dead-letter now; an operator replays or skips it. */
    record Dead(String reason) implements DeliveryResult {
    }

    static DeliveryResult delivered() {
        return new Delivered(null);
    }
}
