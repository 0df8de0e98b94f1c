package dev.incidentgateway.timeline;

/** A declare named an incident id that is already taken. Answered as 409. */
public class IncidentExistsException extends TransitionRefusedException {
    public IncidentExistsException(IncidentStatus current) {
        super(current, EventType.DECLARE, "the incident already exists");
    }
}
