package dev.incidentgateway.timeline;

/** The state machine refused an event: nothing was stored. Answered as 409. */
public class TransitionRefusedException extends AppendRejectedException {
    private final IncidentStatus current;
    private final EventType attempted;
    private final IncidentStatus refusedTarget;

    public TransitionRefusedException(IncidentStatus current, EventType attempted, String why) {
        this(current, attempted, null, why);
    }

    /** @param refusedTarget the status the event would have entered; {@code null} when it enters none (a severity change) */
    public TransitionRefusedException(IncidentStatus current, EventType attempted, IncidentStatus refusedTarget, String why) {
        super("'" + attempted.wireName() + "' is not allowed while the incident is " + current.wireName() + ": " + why);
        this.current = current;
        this.attempted = attempted;
        this.refusedTarget = refusedTarget;
    }

    /** The status the refused event would have entered, or {@code null} (see {@link IncidentStateMachine#hint}). */
    public IncidentStatus refusedTarget() {
        return refusedTarget;
    }

    public IncidentStatus current() {
        return current;
    }

    public EventType attempted() {
        return attempted;
    }
}
