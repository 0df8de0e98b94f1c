package dev.incidentgateway.sla;

import dev.incidentgateway.timeline.EventType;
import dev.incidentgateway.timeline.IncidentStateMachine;
import dev.incidentgateway.timeline.IncidentStatus;
import dev.incidentgateway.timeline.TimelineEvent;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Computes an incident's SLA clocks from its timeline and an instant. Pure: no store, no system clock, so the
 * API, the tracker and the report agree, and tests pin every case with a fixed instant.
 *
 * <p>A clock runs from the declaration while the incident is in one of its running statuses:
 * <ul>
 *   <li>acknowledge: declared; stops for good at the first move out of it (ack, or a mitigate / resolve straight away)</li>
 *   <li>mitigate: declared or acknowledged; stops for good at the first mitigate (or resolve)</li>
 *   <li>resolve: declared, acknowledged, mitigated; stops at resolve, and a reopen (resolved → acknowledged) resumes
 *   it where it stopped (the time spent resolved does not count)</li>
 * </ul>
 * Times are the events' {@code eventTime}, taken in seq order and never going backwards (a late-arriving event
 * with an earlier time counts as happening when the one before it did).
 */
public final class SlaCalculator {
    private static final Map<SlaTarget, Set<IncidentStatus>> RUNS_IN = Map.of(
            SlaTarget.ACKNOWLEDGE, EnumSet.of(IncidentStatus.DECLARED),
            SlaTarget.MITIGATE, EnumSet.of(IncidentStatus.DECLARED, IncidentStatus.ACKNOWLEDGED),
            SlaTarget.RESOLVE, EnumSet.of(IncidentStatus.DECLARED, IncidentStatus.ACKNOWLEDGED, IncidentStatus.MITIGATED));

    private SlaCalculator() {
    }

    /** One stretch of time during which a clock ran; {@code end} {@code null} while it still runs. */
    record Interval(Instant start, Instant end) {
    }

    /** The clocks of the policy's targets, in target order; empty when the timeline has no declare. */
    public static List<SlaClock> clocks(SlaPolicy policy, List<TimelineEvent> timeline, Instant now) {
        List<SlaClock> out = new ArrayList<>();
        for (SlaTarget target : SlaTarget.values()) {
            Duration goal = policy.goals().get(target);
            if (goal == null) {
                continue;
            }
            List<Interval> intervals = intervals(target, timeline);
            if (!intervals.isEmpty()) {
                out.add(clock(policy, target, goal, intervals, now));
            }
        }
        return out;
    }

    static List<Interval> intervals(SlaTarget target, List<TimelineEvent> timeline) {
        Set<IncidentStatus> running = RUNS_IN.get(target);
        boolean resumes = target == SlaTarget.RESOLVE;
        List<Interval> out = new ArrayList<>();
        IncidentStatus status = null;
        Instant time = null;
        Instant openSince = null;
        for (TimelineEvent e : timeline) {
            IncidentStatus next = statusAfter(status, e);
            if (next == status) {
                continue; // notes, role assignments: no clock changes, and their times do not move ours
            }
            time = time == null || e.eventTime().isAfter(time) ? e.eventTime() : time;
            boolean wasRunning = openSince != null;
            boolean runs = running.contains(next) && (resumes || out.isEmpty());
            if (!wasRunning && runs) {
                openSince = time;
            } else if (wasRunning && !runs) {
                out.add(new Interval(openSince, time));
                openSince = null;
            }
            status = next;
        }
        if (openSince != null) {
            out.add(new Interval(openSince, null));
        }
        return out;
    }

    private static IncidentStatus statusAfter(IncidentStatus current, TimelineEvent e) {
        if (e.type() == EventType.DECLARE) {
            return current == null ? IncidentStatus.DECLARED : current;
        }
        if (current == null) {
            return null;
        }
        IncidentStatus target = e.type() == EventType.STATE_CHANGE ? e.stateChangeTarget() : IncidentStateMachine.targetOf(e.type());
        return target == null ? current : target;
    }

    private static SlaClock clock(SlaPolicy policy, SlaTarget target, Duration goal, List<Interval> intervals, Instant now) {
        Duration warning = policy.warningAt(goal);
        Duration elapsed = Duration.ZERO;
        for (Interval i : intervals) {
            Instant end = i.end() == null || i.end().isAfter(now) ? now : i.end();
            elapsed = elapsed.plus(policy.between(i.start(), end));
        }
        Interval last = intervals.get(intervals.size() - 1);
        boolean running = last.end() == null;
        Instant dueAt = reached(policy, intervals, goal);
        Instant warningAt = reached(policy, intervals, warning);
        Instant completedAt = running ? null : last.end();
        boolean breached = elapsed.compareTo(goal) >= 0;
        SlaClock.State state = breached ? SlaClock.State.BREACHED
                : !running ? SlaClock.State.MET
                : elapsed.compareTo(warning) >= 0 ? SlaClock.State.AT_RISK : SlaClock.State.RUNNING;
        return new SlaClock(target, state, goal, intervals.get(0).start(), dueAt, warningAt, elapsed, completedAt,
                state == SlaClock.State.MET ? completedAt : null, breached ? dueAt : null, elapsed.compareTo(warning) >= 0);
    }

    /** When the clock, running through the intervals (and on after the last), counts {@code amount}. */
    private static Instant reached(SlaPolicy policy, List<Interval> intervals, Duration amount) {
        Duration counted = Duration.ZERO;
        for (Interval i : intervals) {
            if (i.end() == null) {
                return policy.plus(i.start(), amount.minus(counted));
            }
            Duration length = policy.between(i.start(), i.end());
            if (counted.plus(length).compareTo(amount) >= 0) {
                return policy.plus(i.start(), amount.minus(counted));
            }
            counted = counted.plus(length);
        }
        return policy.plus(intervals.get(intervals.size() - 1).end(), amount.minus(counted));
    }
}
