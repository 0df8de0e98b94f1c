package dev.incidentgateway.ingest.auth;

import dev.incidentgateway.api.ApiProblem;
import java.time.Clock;
import java.time.Duration;

/**
 * Refuses a signed timestamp too far from now. A valid signature over an old request stays valid forever;
 * only bounding the signed timestamp stops an eavesdropped request from being replayed later. Both
 * directions are bounded, so a sender's clock far in the future cannot mint long-lived requests either.
 *
 * @param tolerance how far (either way) the timestamp may be from the clock
 * @param clock     the gateway's clock (fixed in tests)
 */
record TimestampWindow(Duration tolerance, Clock clock) {
    /** The Standard Webhooks recommendation, also used by Grafana and most HMAC senders. */
    static final Duration DEFAULT_TOLERANCE = Duration.ofMinutes(5);

    /** Unix seconds never need more digits; the bound also keeps {@code parseLong} from overflowing. */
    private static final int MAX_DIGITS = 15;

    TimestampWindow {
        if (tolerance == null || tolerance.isNegative() || tolerance.isZero()) {
            throw new IllegalArgumentException("timestamp tolerance must be positive");
        }
        if (clock == null) {
            throw new IllegalArgumentException("clock is required");
        }
    }

    /**
     * @param header the header the value came from, named in the 401 detail
     * @param value  the received unix timestamp in seconds, or {@code null} when the header is missing
     * @throws ApiProblem 401 when missing, not a plain unix timestamp, or outside the tolerance
     */
    void check(String header, String value) {
        if (value == null || value.isBlank()) {
            throw ApiProblem.unauthorized("missing " + header + " header");
        }
        String digits = value.trim();
        if (digits.length() > MAX_DIGITS || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw ApiProblem.unauthorized(header + " is not a unix timestamp in seconds");
        }
        long sent = Long.parseLong(digits);
        long now = clock.instant().getEpochSecond();
        long slack = tolerance.getSeconds();
        if (sent < now - slack || sent > now + slack) {
            throw ApiProblem.unauthorized(header + " is more than " + slack + " s away from the gateway's clock");
        }
    }
}
