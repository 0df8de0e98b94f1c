package dev.incidentgateway.timeline;

/** The state machine refused an event: nothing was stored. Answered as 409. */
public class TransitionRefusedException extends AppendRejectedException {
    private final IncidentStatus current;
    private final EventType attempted;
    private final IncidentStatus refusedTarget;
    private final boolean repeat;

    public TransitionRefusedException(IncidentStatus current, EventType attempted, String why) {
        this(current, attempted, null, why, false);
    }

    /** @param repeat the event would lead to the state the incident already has (a severity it already has) */
    public TransitionRefusedException(IncidentStatus current, EventType attempted, String why, boolean repeat) {
        this(current, attempted, null, why, repeat);
    }

    /**
     * @param refusedTarget the status the event would have entered; {@code null} when it enters none (a severity change).
     *                      One the incident already has makes the refusal a {@link #repeat}.
     */
    public TransitionRefusedException(IncidentStatus current, EventType attempted, IncidentStatus refusedTarget, String why) {
        this(current, attempted, refusedTarget, why, refusedTarget != null && refusedTarget == current);
    }

    private TransitionRefusedException(IncidentStatus current, EventType attempted, IncidentStatus refusedTarget, String why,
                                       boolean repeat) {
        super("'" + attempted.wireName() + "' is not allowed while the incident is " + current.wireName() + ": " + why);
        this.current = current;
        this.attempted = attempted;
        this.refusedTarget = refusedTarget;
        this.repeat = repeat;
    }

    /** The status the refused event would have entered, or {@code null} (see {@link IncidentStateMachine#hint}). */
    public IncidentStatus refusedTarget() {
        return refusedTarget;
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
