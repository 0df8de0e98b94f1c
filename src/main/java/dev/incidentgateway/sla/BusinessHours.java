package dev.incidentgateway.sla;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Set;

/**
 * The hours during which an SLA clock runs: one daily window [{@code open}, {@code close}) on the given days, in a
 * time zone. {@code close} {@code null} means midnight at the end of the day (24:00). A {@code close} before
 * {@code open} is an overnight window: it opens on a listed day and closes the next morning (a night shift
 * {@code mon-fri 22:00-06:00} runs from Monday 22:00 to Saturday 06:00, in five stretches). Windows are converted to
 * instants per day with {@link ZonedDateTime#of}, so a DST change shortens or lengthens that day's window as the
 * wall clock does (a window start inside a spring-forward gap moves to the end of the gap).
 */
public record BusinessHours(ZoneId zone, Set<DayOfWeek> days, LocalTime open, LocalTime close) {
    /** Days walked at most (about 30 years): a guard against a runaway loop, far beyond any real target. */
    private static final int MAX_DAYS = 11_000;

    public BusinessHours {
        if (days.isEmpty()) {
            throw new IllegalArgumentException("days must name at least one day");
        }
        if (open.equals(close)) {
            throw new IllegalArgumentException("hours must not start and end at the same time");
        }
    }

    /** Business time between {@code from} and {@code to} (zero when {@code to} is not after {@code from}). */
    public Duration between(Instant from, Instant to) {
        if (!to.isAfter(from)) {
            return Duration.ZERO;
        }
        Duration sum = Duration.ZERO;
        LocalDate day = from.atZone(zone).toLocalDate().minusDays(1); // yesterday's overnight window may still be open
        LocalDate last = to.atZone(zone).toLocalDate();
        for (int i = 0; !day.isAfter(last) && i < MAX_DAYS; i++, day = day.plusDays(1)) {
            if (!days.contains(day.getDayOfWeek())) {
                continue;
            }
            Instant start = max(windowStart(day), from);
            Instant end = min(windowEnd(day), to);
            if (end.isAfter(start)) {
                sum = sum.plus(Duration.between(start, end));
            }
        }
        return sum;
    }

    /** The instant at which {@code amount} of business time has passed since {@code from}. */
    public Instant plus(Instant from, Duration amount) {
        Duration left = amount;
        LocalDate day = from.atZone(zone).toLocalDate().minusDays(1); // yesterday's overnight window may still be open
        for (int i = 0; i < MAX_DAYS; i++, day = day.plusDays(1)) {
            if (!days.contains(day.getDayOfWeek())) {
                continue;
            }
            Instant start = max(windowStart(day), from);
            Instant end = windowEnd(day);
            if (!end.isAfter(start)) {
                continue;
            }
            Duration available = Duration.between(start, end);
            if (left.compareTo(available) <= 0) {
                return start.plus(left);
            }
            left = left.minus(available);
        }
        throw new IllegalStateException("business hours too sparse to reach " + amount);
    }

    private Instant windowStart(LocalDate day) {
        return ZonedDateTime.of(day, open, zone).toInstant();
    }

    private Instant windowEnd(LocalDate day) {
        if (close == null) {
            return day.plusDays(1).atStartOfDay(zone).toInstant();
        }
        return ZonedDateTime.of(close.isAfter(open) ? day : day.plusDays(1), close, zone).toInstant();
    }

    /** Whether the window runs past midnight into the next day. */
    public boolean overnight() {
        return close != null && close.isBefore(open);
    }

    private static Instant max(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }
}
