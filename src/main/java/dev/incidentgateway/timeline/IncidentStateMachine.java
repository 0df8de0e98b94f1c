package dev.incidentgateway.timeline;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

import static dev.incidentgateway.timeline.IncidentStatus.ACKNOWLEDGED;
import static dev.incidentgateway.timeline.IncidentStatus.CLOSED;
import static dev.incidentgateway.timeline.IncidentStatus.DECLARED;
import static dev.incidentgateway.timeline.IncidentStatus.MITIGATED;
import static dev.incidentgateway.timeline.IncidentStatus.RESOLVED;

/**
 * The one place that decides which event may follow which status.
 *
 * <pre>
 *   declare       only for an incident that does not exist
 *   ack           declared                        → acknowledged
 *   mitigate      declared, acknowledged          → mitigated
 *   resolve       declared, acknowledged, mitigated → resolved
 *   close         resolved                        → closed (terminal)
 *   state_change  to X where the row above allows X, plus the reopen resolved → acknowledged;
 *                 with a new severity (and no X): any status but closed, status unchanged
 *   note, role_assign  any status, status unchanged
 * </pre>
 */
public final class IncidentStateMachine {
    /** For each target status, the statuses it may be entered from by its own event type. */
    private static final Map<IncidentStatus, Set<IncidentStatus>> ENTERED_FROM = Map.of(
            ACKNOWLEDGED, EnumSet.of(DECLARED),
            MITIGATED, EnumSet.of(DECLARED, ACKNOWLEDGED),
            RESOLVED, EnumSet.of(DECLARED, ACKNOWLEDGED, MITIGATED),
            CLOSED, EnumSet.of(RESOLVED));

    private IncidentStateMachine() {
    }

    /** The status an event of {@code type} moves to, or empty when it leaves the status as it is. */
    public static IncidentStatus targetOf(EventType type) {
        return switch (type) {
            case DECLARE -> DECLARED;
            case ACK -> ACKNOWLEDGED;
            case MITIGATE -> MITIGATED;
            case RESOLVE -> RESOLVED;
            case CLOSE -> CLOSED;
            case NOTE, ROLE_ASSIGN, STATE_CHANGE -> null;
        };
    }

    /**
     * Decides the status after an event.
     *
     * @param current         status now; {@code null} when the incident does not exist
     * @param type            the event's type
     * @param stateChangeTo   for {@code state_change}, the requested status ({@code data.to}), {@code null} for a change of
     *                        severity alone; else ignored
     * @return the status after the event
     * @throws TransitionRefusedException when the event may not follow {@code current}
     */
    public static IncidentStatus next(IncidentStatus current, EventType type, IncidentStatus stateChangeTo) {
        if (type == EventType.DECLARE) {
            if (current != null) {
                throw new IncidentExistsException(current);
            }
            return DECLARED;
        }
        if (current == null) {
            throw new IllegalStateException("only declare may start an incident");
        }
        return switch (type) {
            case NOTE, ROLE_ASSIGN -> current;
            case STATE_CHANGE -> stateChangeTo == null ? unlessClosed(current, type)
                    : enter(current, type, stateChangeTo, current == RESOLVED && stateChangeTo == ACKNOWLEDGED);
            default -> enter(current, type, targetOf(type), false);
        };
    }

    /**
     * The event types that may follow {@code current} now (asked of {@link #next} itself, so this never disagrees with
     * it): what a client such as the console offers. {@code state_change} is in it when some status may be entered by one.
     */
    public static Set<EventType> allowedAfter(IncidentStatus current) {
        Set<EventType> allowed = EnumSet.noneOf(EventType.class);
        for (EventType type : EventType.values()) {
            if (type == EventType.DECLARE) {
                continue; // only ever the first event
            }
            for (IncidentStatus to : type == EventType.STATE_CHANGE ? IncidentStatus.values() : new IncidentStatus[] {null}) {
                try {
                    next(current, type, to);
                    allowed.add(type);
                    break;
                } catch (TransitionRefusedException refused) {
                    // not from here
                }
            }
        }
        return allowed;
    }

    /**
     * A state_change's new severity ({@code data.severity}): refused on a closed incident (as every change is) and when it
     * is the severity the incident has, as a state_change to the status it has is refused (409, nothing stored).
     *
     * @param current  the incident's status and severity now
     * @throws TransitionRefusedException when the incident may not take it
     */
    public static void checkSeverityChange(IncidentStatus current, Severity severity, Severity requested) {
        unlessClosed(current, EventType.STATE_CHANGE);
        if (requested == severity) {
            throw new TransitionRefusedException(current, EventType.STATE_CHANGE, "the severity is already " + severity.wireName(), true);
        }
    }

    private static IncidentStatus unlessClosed(IncidentStatus current, EventType type) {
        if (current == CLOSED) {
            throw new TransitionRefusedException(current, type, "closed is terminal");
        }
        return current;
    }

    /**
     * What a refused event needs, for the caller: the one event after which the same event (the same {@code to}
     * status) would be allowed ("send a resolve first", the reopen of a resolved incident), else what closed means, else
     * nothing. Asked of {@link #next} with the refused target: a state_change refused for its severity or for the status
     * it asks for gets no hint its type alone would suggest (a severity already set said "send a ack first").
     *
     * @param refusedTarget the status the refused event would have entered ({@link TransitionRefusedException#refusedTarget});
     *                      {@code null} for a state_change that enters none (a severity change); neither that nor the
     *                      status the incident has gets a hint
     */
    public static String hint(IncidentStatus current, EventType attempted, IncidentStatus refusedTarget) {
        if (current == CLOSED) {
            return "closed is terminal: declare a new incident";
        }
        if ((attempted == EventType.STATE_CHANGE && refusedTarget == null) || refusedTarget == current) {
            return null; // the severity or the status it has already: no event to send first (a resolve and a reopen are a detour)
        }
        for (EventType step : allowedAfter(current)) {
            IncidentStatus after = targetOf(step);
            if (after != null && after != current && allows(after, attempted, refusedTarget)) {
                return "send " + (step.wireName().matches("^[aeiou].*") ? "an " : "a ") + step.wireName() + " first";
            }
        }
        if (current == RESOLVED && allows(ACKNOWLEDGED, attempted, refusedTarget)) {
            return "reopen it first: a state_change with data.to acknowledged";
        }
        return null;
    }

    private static boolean allows(IncidentStatus status, EventType type, IncidentStatus stateChangeTo) {
        try {
            next(status, type, stateChangeTo);
            return true;
        } catch (TransitionRefusedException refused) {
            return false;
        }
    }

    private static IncidentStatus enter(IncidentStatus current, EventType type, IncidentStatus target, boolean reopen) {
        if (reopen || ENTERED_FROM.getOrDefault(target, Set.of()).contains(current)) {
            return target;
        }
        throw new TransitionRefusedException(current, type, target,
                current == CLOSED ? "closed is terminal" : "cannot move from " + current.wireName() + " to " + target.wireName());
    }
}
