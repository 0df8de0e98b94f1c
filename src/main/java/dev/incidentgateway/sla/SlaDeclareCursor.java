package dev.incidentgateway.sla;

import dev.incidentgateway.timeline.EventType;
import dev.incidentgateway.timeline.TimelineEvent;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.Set;

/**
 * The SLA tracker's cursor over declaration times (issue 13, ingest CPU): a brand-new incident on which no note can be
 * due yet is not looked at when its declare arrives, but by the first scan at or after its earliest possible note.
 *
 * <p>Under webhook ingest every request declares an incident, and looking at each one at once (its row read, its clocks
 * computed, an {@code sla_settled} mark inserted with its warning moment) was about 12 % of the gateway's CPU per
 * webhook on PostgreSQL, for nothing: no policy can warn before {@link #firstNote} of clock time. Such an incident is
 * found again by whichever comes first: its next event (the changed pass, as for any incident), or this cursor, which
 * each scan moves to {@code now - firstNote} after asking the store for the open incidents declared in between that
 * have no settled mark ({@link SlaIncidents#declaredUnsettled}, index ix_incidents_status_declared).
 *
 * <p>Why nothing is missed: an incident is left to the cursor only if its declaration time is after where this scan
 * moves the cursor to, and the cursor only moves forward, by contiguous ranges (previous position, new position], so
 * a later scan's range holds that time. A late declare (a time far in the past, an alert delivered late) is at or
 * before the cursor: it is looked at at once, as before. The cursor moves only when a scan completes (a failed scan
 * leaves it, so its range is asked again). Each tracker has its own cursor; marks and notes are idempotent across
 * trackers. A tracker's first scan walks every incident not settled, so the cursor starts where that scan puts it.
 */
final class SlaDeclareCursor {
    /** The least clock time after the declaration at which any note can fall due; empty: no policy has a clock. */
    private final Optional<Duration> firstNote;
    private final SlaIncidents incidents;
    /** Declarations up to here have been looked at (or were settled); {@code null} before the first complete scan. */
    private Instant position;

    SlaDeclareCursor(SlaPolicies policies, SlaIncidents incidents) {
        this.firstNote = firstNote(policies);
        this.incidents = incidents;
    }

    /**
     * The least clock time at which any target of any policy warns or breaches. Measured in wall time from the declaration
     * it is a lower bound for every policy: business hours count less clock time than wall time ({@link BusinessHours}'
     * daily windows do not overlap), so they only move a moment later. The calculator starts the clocks at the declare's
     * {@code eventTime}, which is the incident's {@code declared_at} (IncidentProjection).
     */
    static Optional<Duration> firstNote(SlaPolicies policies) {
        return policies.bySeverity().values().stream()
                .flatMap(p -> p.goals().values().stream().map(goal -> min(p.warningAt(goal), goal)))
                .min(Duration::compareTo);
    }

    /**
     * Where a scan at {@code now} moves the cursor: {@code now - firstNote}, never back (a clock that jumps back), to the
     * microsecond both stores keep (the store compares what it stores with exactly this instant). {@code null}: no
     * cursor (no policy has a clock), nothing waits for it.
     */
    Instant target(Instant now) {
        if (firstNote.isEmpty()) {
            return null;
        }
        Instant to = now.minus(firstNote.get()).truncatedTo(ChronoUnit.MICROS);
        return position == null || to.isAfter(position) ? to : position;
    }

    /**
     * Whether the changed pass can leave this incident to the cursor: its whole timeline is its declare alone (read with
     * the events since the last scan), declared after {@code target}, so no note of any policy can be due before a scan
     * whose cursor range holds its declaration time.
     */
    boolean waits(SlaTimelines.Timeline timeline, Instant target) {
        if (target == null || position == null || timeline.lastSeq() != 1 || timeline.clockEvents().size() != 1
                || !timeline.recordedNotes().isEmpty()) {
            return false;
        }
        TimelineEvent declare = timeline.clockEvents().get(0);
        return declare.type() == EventType.DECLARE && declare.eventTime().isAfter(target);
    }

    /** The incidents whose turn came in this scan's range: open, declared in (position, target], without a settled mark. */
    Set<String> reached(Instant target) {
        if (target == null || position == null || !target.isAfter(position)) {
            return Set.of();
        }
        return incidents.declaredUnsettled(position, target);
    }

    /** After a complete scan: its range has been looked at. */
    void moveTo(Instant target) {
        if (target != null) {
            position = target;
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
