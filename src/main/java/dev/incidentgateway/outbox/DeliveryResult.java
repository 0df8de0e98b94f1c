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
     * after {@code retryAfter} when the target said so, else after the relay's exponential backoff.
     */
    record Retry(String reason, Duration retryAfter) implements DeliveryResult {
    }

    /** Permanent (other 4xx, Slack errors that cannot heal): dead-letter now; an operator replays or skips it. */
    record Dead(String reason) implements DeliveryResult {
    }

    static DeliveryResult delivered() {
        return new Delivered(null);
    }
}
