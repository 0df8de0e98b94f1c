package dev.incidentgateway.camel;

import java.time.Duration;

/**
 * Thrown by a {@code timeline:outbox} route: the target could not take the event now; the outbox retries it after
 * {@code retryAfter} (capped by {@code GATEWAY_OUTBOX_MAX_RETRY_AFTER_S}) or, without one, after its exponential
 * backoff, and dead-letters it after {@code GATEWAY_OUTBOX_MAX_ATTEMPTS}. From YAML:
 * {@code throwException: {exceptionType: dev.incidentgateway.camel.DeliveryRetryException, message: "why"}}
 * (backoff), or set the header {@code TimelineRetryAfter} to a number of seconds and let the route complete.
 */
public class DeliveryRetryException extends RuntimeException {
    private final transient Duration retryAfter;

    public DeliveryRetryException(String reason) {
        this(reason, null);
    }

    public DeliveryRetryException(String reason, Duration retryAfter) {
        super(reason);
        this.retryAfter = retryAfter;
    }

    /** When to try again, or {@code null} for the outbox's backoff. */
    public Duration retryAfter() {
        return retryAfter;
    }
}
