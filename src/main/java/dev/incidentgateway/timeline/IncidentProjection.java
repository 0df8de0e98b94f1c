package dev.incidentgateway.timeline;

/**
 * Folds one event into the incident view. Pure: used both by the writer (incrementally, in the append's
 * transaction) and by {@link ViewRebuilder} (from the whole log), so both give the same view.
 *
 * <p>Timestamps: {@code acknowledgedAt}/{@code mitigatedAt} keep the first time the status was reached
 * (SLA clocks measure time to first response); {@code resolvedAt} is cleared by a reopen and set again by
 * the next resolve, since the incident is no longer resolved. The severity is the declare's until a state_change sets
 * {@code data.severity}.
 */
public final class IncidentProjection {
    private IncidentProjection() {
    }

    public static Incident apply(Incident current, TimelineEvent e) {
        if (e.type() == EventType.DECLARE) {
            Severity severity = Severity.fromWire(e.data().path("severity").asText()).orElse(Severity.DEFAULT);
            return new Incident(e.incidentId(), e.title(), severity, IncidentStatus.DECLARED, null, e.eventTime(),
                    null, null, null, null, e.id(), e.seq(), e.hash(), 0);
        }
        IncidentStatus target = e.type() == EventType.STATE_CHANGE ? e.stateChangeTarget() : IncidentStateMachine.targetOf(e.type());
        IncidentStatus status = target == null ? current.status() : target;
        String commander = current.commander();
        if (e.type() == EventType.ROLE_ASSIGN && "commander".equals(e.data().path("role").asText())) {
            commander = e.data().path("assignee").asText();
        }
        boolean reopened = current.status() == IncidentStatus.RESOLVED && status == IncidentStatus.ACKNOWLEDGED;
        Severity severity = e.severityChange() == null ? current.severity() : e.severityChange();
        return new Incident(current.id(), current.title(), severity, status, commander, current.declaredAt(),
                firstTime(current.acknowledgedAt(), status == IncidentStatus.ACKNOWLEDGED, e),
                firstTime(current.mitigatedAt(), status == IncidentStatus.MITIGATED, e),
                reopened ? null : (status == IncidentStatus.RESOLVED && current.status() != IncidentStatus.RESOLVED ? e.eventTime() : current.resolvedAt()),
                status == IncidentStatus.CLOSED && current.closedAt() == null ? e.eventTime() : current.closedAt(),
                e.id(), e.seq(), e.hash(), current.alertRepeats());
    }

    private static java.time.Instant firstTime(java.time.Instant existing, boolean reached, TimelineEvent e) {
        return existing == null && reached ? e.eventTime() : existing;
    }
}
