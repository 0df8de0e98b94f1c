package dev.incidentgateway.api;

import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * An instant given as a query parameter ({@code from}/{@code to} of the SLA report, {@code since}/{@code until} of a dead
 * replay): ISO-8601 with {@code Z} or an offset, in the years 0001 to 9999. {@link Instant#parse} takes years up to a
 * billion either way, which the store cannot hold: year 300000 failed in PostgreSQL (503, "retry later", for a request
 * that fails the same way every time) and year −1000000000 in the conversion to a date-time (500). Input is the sender's
 * 400.
 */
public final class QueryInstant {
    static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
    static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999999999Z");

    private QueryInstant() {
    }

    /**
     * @param example shown in the problem for an unreadable value, e.g. {@code 2026-06-01T00:00:00Z}
     * @return the instant, or {@code null} when the parameter is absent or blank
     */
    public static Instant read(ApiRequest req, String name, String example) {
        String raw = req.query(name);
        if (raw == null || raw.isBlank()) {
            return null;
        }
        Instant t;
        try {
            t = Instant.parse(raw.strip());
        } catch (DateTimeParseException e) {
            throw ApiProblem.invalidField(name, name + " must be an ISO-8601 instant such as " + example);
        }
        if (t.isBefore(EARLIEST) || t.isAfter(LATEST)) {
            throw ApiProblem.invalidField(name, name + " must lie between " + EARLIEST + " and 9999-12-31T23:59:59Z, got " + t);
        }
        return t;
    }
}
