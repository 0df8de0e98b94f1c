package dev.incidentgateway.timeline;

/** The state machine refused an event: nothing was stored. Answered as 409. */
public class TransitionRefusedException extends AppendRejectedException {
    private final IncidentStatus current;
    private final EventType attempted;
    private final boolean repeat;

    public TransitionRefusedException(IncidentStatus current, EventType attempted, String why) {
        this(current, attempted, why, false);
    }

    /** @param repeat the event would lead to the state the incident already has (a second ack, a resolve of a resolved one) */
    public TransitionRefusedException(IncidentStatus current, EventType attempted, String why, boolean repeat) {
        super("'" + attempted.wireName() + "' is not allowed while the incident is " + current.wireName() + ": " + why);
        this.current = current;
        this.attempted = attempted;
        this.repeat = repeat;
    }

    /**
     * Whether the event would only repeat the state the incident has: a webhook sender resending its alert's state
     * (absorbed as {@code ignored}), not a change the state machine forbids.
     */
    public boolean repeat() {
        return repeat;
    }

    public IncidentStatus current() {
        return current;
    }

    public EventType attempted() {
        return attempted;
    }
}
