package dev.incidentgateway.sla;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * The SLA of one severity: a goal per target (a target left out has no clock), the share of a goal at which the
 * clock is {@code at_risk} and a warning is recorded, and optional business hours ({@code null}: the clock runs
 * around the clock).
 */
public record SlaPolicy(Map<SlaTarget, Duration> goals, int warningPercent, BusinessHours businessHours) {
    public SlaPolicy {
        goals = Map.copyOf(goals);
    }

    /** Clock time between two instants: business time with business hours, else wall time. */
    Duration between(Instant from, Instant to) {
        if (businessHours != null) {
            return businessHours.between(from, to);
        }
        return to.isAfter(from) ? Duration.between(from, to) : Duration.ZERO;
    }

    /** The instant at which the clock, running from {@code from}, has counted {@code amount}. */
    Instant plus(Instant from, Duration amount) {
        return businessHours != null ? businessHours.plus(from, amount) : from.plus(amount);
    }

    /** The part of {@code goal} at which the warning falls due (to the nanosecond, as the clocks count). */
    Duration warningAt(Duration goal) {
        return goal.multipliedBy(warningPercent).dividedBy(100);
    }
}
