package dev.incidentgateway.timeline;

/** The incident named by a request does not exist. Answered as 404. */
public class IncidentNotFoundException extends AppendRejectedException {
    private final String incidentId;

    public IncidentNotFoundException(String incidentId) {
        super("incident " + incidentId + " does not exist");
        this.incidentId = incidentId;
    }

    public String incidentId() {
        return incidentId;
    }
}
