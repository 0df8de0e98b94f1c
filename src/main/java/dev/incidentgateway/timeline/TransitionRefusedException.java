package dev.incidentgateway.timeline;

/** The state machine refused an event: nothing was stored. Answered as 409. */
public class TransitionRefusedException extends AppendRejectedException {
    private final IncidentStatus current;
    private final EventType attempted;

    public TransitionRefusedException(IncidentStatus current, EventType attempted, String why) {
        super("'" + attempted.wireName() + "' is not allowed while the incident is " + current.wireName() + ": " + why);
        this.current = current;
        this.attempted = attempted;
    }

    public IncidentStatus current() {
        return current;
    }

    public EventType attempted() {
        return attempted;
    }
}
