package dev.incidentgateway.transport;

import java.time.Duration;

/**
 * A token bucket's shape: {@code perSecond} requests a second on average, up to {@code burst} at once after a quiet
 * spell. {@code perSecond} 0 means no limit.
 */
public record RateLimit(int perSecond, int burst) {
    public static final RateLimit OFF = new RateLimit(0, 0);

    public RateLimit {
        if (perSecond < 0 || burst < 0) {
            throw new IllegalArgumentException("rate and burst must not be negative");
        }
    }

    /** A limit whose burst defaults to one second's worth of requests when given as 0. */
    public static RateLimit of(int perSecond, int burst) {
        return perSecond == 0 ? OFF : new RateLimit(perSecond, burst == 0 ? perSecond : burst);
    }

    public boolean isOff() {
        return perSecond == 0;
    }

    /** How long an empty bucket takes to fill up again: after that, forgetting the bucket loses nothing. */
    Duration refillTime() {
        return isOff() ? Duration.ZERO : Duration.ofMillis((long) Math.ceil(burst * 1000.0 / perSecond));
    }

    /** For problem details and logs: "50 requests per second (bursts of 100)". */
    public String describe() {
        return isOff() ? "no limit" : perSecond + " requests per second (bursts of " + burst + ")";
    }
}
