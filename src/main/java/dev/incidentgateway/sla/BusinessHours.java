package dev.incidentgateway.sla;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.zone.ZoneOffsetTransition;
import java.util.Set;

/**
 * The hours during which an SLA clock runs: one daily window [{@code open}, {@code close}) on the given days, in a
 * time zone. {@code close} {@code null} means midnight at the end of the day (24:00). A {@code close} before
 * {@code open} is an overnight window: it opens on a listed day and closes the next morning (a night shift
 * {@code mon-fri 22:00-06:00} runs from Monday 22:00 to Saturday 06:00, in five stretches). Windows are converted to
 * instants per day at the moment the zone's wall clock reaches each end, so a DST change shortens or lengthens that
 * day's window as the wall clock does: a time the clocks skip (spring forward) is reached when they jump, at the end of
 * the gap (a window 02:30-10:00 on a day New York skips 02:00-03:00 opens at 03:00; one wholly inside the gap has no
 * time that day), and a time they repeat (fall back) at its first pass.
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
        return reached(day, open);
    }

    private Instant windowEnd(LocalDate day) {
        if (close == null) {
            return day.plusDays(1).atStartOfDay(zone).toInstant();
        }
        return reached(close.isAfter(open) ? day : day.plusDays(1), close);
    }

    /**
     * When the wall clock first shows {@code time} on {@code day}. Not {@link ZonedDateTime#of} alone: it moves a time
     * inside a gap later by the gap's length (02:30 to 03:30), which would open a window half an hour late and give a
     * window inside the gap an hour that never was on the wall clock.
     */
    private Instant reached(LocalDate day, LocalTime time) {
        LocalDateTime local = day.atTime(time);
        ZoneOffsetTransition transition = zone.getRules().getTransition(local);
        if (transition != null && transition.isGap()) {
            return transition.getInstant();
        }
        return ZonedDateTime.of(local, zone).toInstant(); // an overlap: the earlier offset, the first pass
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
